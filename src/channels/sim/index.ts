export * from './whatsapp-preview.ts';
export * from './ussd-dialer.ts';
