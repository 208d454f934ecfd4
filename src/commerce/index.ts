export * from './users.ts';
export * from './catalogue.ts';
export * from './product-search.ts';
export * from './cart.ts';
export * from './place-order.ts';
export * from './list-orders.ts';
export * from './demo-catalogue.ts';
// The class stays out of the runtime exports: callers share the process's
// one cache; tests build their own from the module itself.
export {
  catalogueCache,
  DEFAULT_CATALOGUE_TTL_MS,
  type CatalogueCache,
  type CatalogueCacheOptions,
} from './catalogue-cache.ts';
