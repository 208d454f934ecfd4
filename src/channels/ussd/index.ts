export * from './gsm7.ts';
export * from './reduce-input.ts';
export * from './ussd-gateway.ts';
export * from './gateways/africas-talking.ts';
export {
  renderUssdScreen,
  renderChannelScreen,
  MIN_SCREEN_LIMIT,
  type RenderUssdScreenOptions,
  type UssdScreen,
} from './render-ussd-screen.ts';
export type { ScreenLine } from './page-screen.ts';
export * from './ussd-ports.ts';
export * from './ussd-store.ts';
export * from './ussd-router.ts';
