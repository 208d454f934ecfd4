export * from './users.ts';
export * from './catalogue.ts';
export * from './product-search.ts';
export * from './cart.ts';
export * from './place-order.ts';
export * from './list-orders.ts';
export * from './demo-catalogue.ts';
