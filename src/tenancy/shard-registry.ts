import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as TenantPrismaClient } from '../generated/tenant/client.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { SecretBox } from '../shared/secret-box.ts';
import { LruCache } from './lru-cache.ts';
import type { ResolvedTenant, TenantDb } from './tenant-context.ts';

/** A shard as the control plane records it, without its connection URL. */
export interface ShardInfo {
  id: string;
  name: string;
  kind: 'shared' | 'dedicated';
  databaseName: string;
  isAccepting: boolean;
}

/** Options of the shard registry. */
export interface ShardRegistryOptions {
  /** Pool on the control database; shard rows are read through it. */
  controlPool: pg.Pool;
  /** URL of the control database: a shard with that URL reuses its pool. */
  controlUrl: string;
  secrets: SecretBox;
  logger: Logger;
  /** Connections per shard pool (default 10). */
  poolSize?: number;
  /** Tenant clients kept alive at most (default 200). */
  maxClients?: number;
}

/**
 * Knows how to reach every shard: one bounded `pg.Pool` per shard, shared by
 * the Prisma clients of that shard's tenant schemas, which live in a bounded
 * LRU. Shard URLs are decrypted here and nowhere else, and never logged.
 *
 * Known shortcomings: shard pools themselves are not evicted (an idle pool
 * holds no connections after 30 s, but a thousand dedicated tenants mean a
 * thousand pool objects; an LRU over pools would fix it), and `clientFor`
 * hands out a client without opening a tenant scope, so app code should go
 * through `withTenant` rather than call it directly.
 */
export class ShardRegistry {
  readonly #options: ShardRegistryOptions;
  readonly #pools = new Map<string, Promise<pg.Pool>>();
  readonly #clients: LruCache<string, TenantDb>;
  readonly #logger: Logger;

  constructor(options: ShardRegistryOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ module: 'shard-registry' });
    this.#clients = new LruCache(options.maxClients ?? 200, (key, client) => {
      // Only the client goes: its pool is the shard's and stays open.
      client.$disconnect().catch((error: unknown) => {
        this.#logger.warn(
          { err: error, key },
          'tenant client disconnect failed',
        );
      });
    });
  }

  /** Number of tenant clients currently cached (for tests and metrics). */
  get cachedClientCount(): number {
    return this.#clients.size;
  }

  /** The shard's record, without its URL; throws when there is none. */
  async shard(shardId: string): Promise<ShardInfo> {
    const row = await this.#loadShard(shardId);
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      databaseName: row.database_name,
      isAccepting: row.is_accepting,
    };
  }

  /** The shared connection pool of a shard, opened on first use. */
  poolFor(shardId: string): Promise<pg.Pool> {
    let pool = this.#pools.get(shardId);
    if (!pool) {
      pool = this.#openPool(shardId);
      this.#pools.set(shardId, pool);
      pool.catch(() => this.#pools.delete(shardId));
    }
    return pool;
  }

  /**
   * The Prisma client of a tenant's schema on its shard. Queries are fully
   * schema-qualified by the adapter, so clients of one shard share its pool.
   */
  async clientFor(
    tenant: Pick<ResolvedTenant, 'shardId' | 'schemaName'>,
  ): Promise<TenantDb> {
    const key = `${tenant.shardId}/${tenant.schemaName}`;
    const cached = this.#clients.get(key);
    if (cached) return cached;
    const pool = await this.poolFor(tenant.shardId);
    const again = this.#clients.get(key);
    if (again) return again;
    const client = new TenantPrismaClient({
      adapter: new PrismaPg(pool, { schema: tenant.schemaName }),
    });
    this.#clients.set(key, client);
    return client;
  }

  /**
   * Forgets a shard: drops its cached clients and ends its pool. Needed
   * before its database is dropped or after its URL changed.
   */
  async release(shardId: string): Promise<void> {
    for (const [key, client] of this.#clients.entries()) {
      if (key.startsWith(`${shardId}/`)) {
        this.#clients.delete(key);
        await client.$disconnect().catch(() => undefined);
      }
    }
    const pool = this.#pools.get(shardId);
    this.#pools.delete(shardId);
    const opened = await pool?.catch(() => undefined);
    if (opened && opened !== this.#options.controlPool) await opened.end();
  }

  /** Drops one tenant schema's client, e.g. after the schema moved. */
  async forgetClient(
    tenant: Pick<ResolvedTenant, 'shardId' | 'schemaName'>,
  ): Promise<void> {
    const client = this.#clients.delete(
      `${tenant.shardId}/${tenant.schemaName}`,
    );
    await client?.$disconnect().catch(() => undefined);
  }

  /** Disconnects every client and ends every shard pool it opened. */
  async close(): Promise<void> {
    const clients = this.#clients.entries();
    this.#clients.clear();
    await Promise.all(
      clients.map(([, client]) => client.$disconnect().catch(() => undefined)),
    );
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    for (const pending of pools) {
      const pool = await pending.catch(() => undefined);
      if (pool && pool !== this.#options.controlPool) await pool.end();
    }
  }

  async #openPool(shardId: string): Promise<pg.Pool> {
    const row = await this.#loadShard(shardId);
    const url = this.#options.secrets.decrypt(row.url_encrypted);
    // The shared shard that lives in the control database itself reuses the
    // control pool rather than opening a second set of connections.
    if (url === this.#options.controlUrl) return this.#options.controlPool;
    const pool = new pg.Pool({
      connectionString: url,
      max: this.#options.poolSize ?? 10,
      idleTimeoutMillis: 30_000,
    });
    pool.setMaxListeners(0);
    pool.on('error', (error) => {
      this.#logger.error(
        { err: error, shardId },
        'idle shard connection failed',
      );
    });
    this.#logger.debug({ shardId, kind: row.kind }, 'shard pool opened');
    return pool;
  }

  async #loadShard(shardId: string): Promise<ShardRow> {
    const { rows } = await this.#options.controlPool.query<ShardRow>(
      `SELECT id, name, kind, url_encrypted, database_name, is_accepting
         FROM control.shards WHERE id = $1`,
      [shardId],
    );
    const row = rows[0];
    if (!row) {
      throw new NotFoundError(
        'tenancy.shard_not_found',
        `Shard ${shardId} is not in the control plane; check control.shards.`,
      );
    }
    return row;
  }
}

interface ShardRow {
  id: string;
  name: string;
  kind: 'shared' | 'dedicated';
  url_encrypted: string;
  database_name: string;
  is_accepting: boolean;
}
