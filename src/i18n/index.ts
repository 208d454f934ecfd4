export * from './languages.ts';
export * from './format.ts';
export * from './translator.ts';
