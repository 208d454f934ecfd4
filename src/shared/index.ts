export * from './errors.ts';
export * from './logger.ts';
export * from './secret-box.ts';
export * from './phone.ts';
export * from './redis-script.ts';
