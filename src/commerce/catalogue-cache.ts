import { InputError } from '../shared/index.ts';
import { currentTenant, LruCache } from '../tenancy/index.ts';
import {
  listCategories,
  listProducts,
  type CategorySummary,
  type PageRequest,
  type ProductPage,
} from './catalogue.ts';

/** How long a list is served from memory unless told otherwise. */
export const DEFAULT_CATALOGUE_TTL_MS = 5_000;

export interface CatalogueCacheOptions {
  /** How long a loaded list is served before it is read again (5 s). */
  ttlMs?: number;
  /** Lists kept at most, over all tenants; the least used go first. */
  maxEntries?: number;
  /** Epoch milliseconds; tests pass their own clock. */
  clock?: () => number;
}

interface Entry {
  value: Promise<unknown>;
  expiresAt: number;
}

/**
 * A short-lived, per-process memory of the lists customers browse: the
 * categories of a shop and pages of a category's products. Every screen of
 * a browsing customer used to read them from PostgreSQL; with many
 * customers in the same shop most of those reads return the same rows.
 *
 * What it trades: a list (and the stock it shows) may be up to `ttlMs`
 * old, and a change made through another process is not seen sooner. That
 * is acceptable only because nothing that commits to stock reads from
 * here: `placeOrder` takes stock with conditional updates on the database
 * and refuses what is no longer there, and the cart and the product screen
 * read the database themselves. Keep it that way: never use this cache on
 * the order path.
 *
 * Entries are keyed by tenant and schema (a moved tenant starts cold), so
 * one shop never sees another's lists. A load in flight is shared by
 * concurrent callers, and a failed load is not kept. The values handed out
 * are frozen, because every caller gets the same objects.
 *
 * Known shortcoming: a vendor's catalogue edit in another process shows
 * after at most `ttlMs`; an invalidation message over Redis (per tenant)
 * would make it immediate, once vendors edit the catalogue by chat.
 */
export class CatalogueCache {
  private readonly entries: LruCache<string, Entry>;
  private readonly ttlMs: number;
  private readonly clock: () => number;

  constructor(options: CatalogueCacheOptions = {}) {
    const ttlMs = options.ttlMs ?? DEFAULT_CATALOGUE_TTL_MS;
    if (!Number.isFinite(ttlMs) || ttlMs < 0) {
      throw new InputError(
        'catalogue.cache_ttl_invalid',
        'The catalogue cache time to live must be 0 ms or more.',
      );
    }
    this.ttlMs = ttlMs;
    this.entries = new LruCache(options.maxEntries ?? 5_000);
    this.clock = options.clock ?? Date.now;
  }

  /** The shop's active categories (`listCategories`), at most ttlMs old. */
  categories(): Promise<CategorySummary[]> {
    return this.read('categories', () => listCategories());
  }

  /** One page of a category (`listProducts`), at most ttlMs old. */
  productPage(categoryId: string, request: PageRequest): Promise<ProductPage> {
    const key = `products\u0000${categoryId}\u0000${request.page}\u0000${request.pageSize}`;
    return this.read(key, () => listProducts(categoryId, request));
  }

  /** Forgets every list of one tenant (after a catalogue change here). */
  invalidate(tenantId: string): void {
    const prefix = `${tenantId}\u0000`;
    for (const [key] of this.entries.entries()) {
      if (key.startsWith(prefix)) this.entries.delete(key);
    }
  }

  /** Number of lists held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private read<T>(what: string, load: () => Promise<T>): Promise<T> {
    const tenant = currentTenant();
    const key = `${tenant.id}\u0000${tenant.shardId}\u0000${tenant.schemaName}\u0000${what}`;
    const now = this.clock();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) return cached.value as Promise<T>;
    const value = load().then(deepFreeze);
    const entry = { value, expiresAt: now + this.ttlMs };
    this.entries.set(key, entry);
    value.catch(() => {
      // Only this load's entry goes: a newer one may have replaced it.
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * The process's catalogue cache, used by the customer flow's browsing
 * actors. Tests make their own with a clock they control.
 */
export const catalogueCache = new CatalogueCache();
