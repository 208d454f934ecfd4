export * from './reply.ts';
export * from './customer/index.ts';
