import { Redis } from 'ioredis';
import type { Router } from 'express';
import {
  MemoryConversationLocks,
  MemoryInboundDeduplicator,
  MemorySessionStore,
  RedisConversationLocks,
  RedisInboundDeduplicator,
  RedisSessionStore,
  createTurnRunner,
  type ConversationLocks,
  type InboundDeduplicator,
  type SessionStore,
  type TurnRunner,
} from '../engine/index.ts';
import { customerFlow } from '../flows/index.ts';
import {
  createAdminRouter,
  createControlPlane,
  createTenantResolver,
  migrateAll,
  withTenantId,
  type ControlPlane,
  type TenantResolver,
} from '../tenancy/index.ts';
import {
  createMemoryUssdStore,
  createRedisUssdStore,
  createUssdRouter,
} from '../channels/ussd/index.ts';
import {
  createInProcessWhatsappChannel,
  createWhatsappChannel,
  createWhatsappNumberLookup,
  createWhatsappRouter,
  type InProcessWhatsappChannel,
  type WhatsappChannel,
  type WhatsappChannelRuntime,
  type WhatsappPipelineOptions,
} from '../channels/whatsapp/index.ts';
import { WakalaError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { Config } from './config.ts';
import { ensureDemoShop } from './demo-shop.ts';
import {
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from './embedded-database.ts';
import { assertMigrated } from './assert-migrated.ts';

/** Everything one Wakala process runs, wired together once. */
export interface Services {
  config: Config;
  logger: Logger;
  controlPlane: ControlPlane;
  /** Null in the embedded demo, which keeps sessions in memory. */
  redis: Redis | null;
  resolver: TenantResolver;
  turnRunner: TurnRunner;
  /**
   * The channel on BullMQ and Redis; null in the embedded demo or without
   * WHATSAPP_APP_SECRET/VERIFY_TOKEN. Typed as BullMQ's so tests and
   * benches can look into its queues.
   */
  whatsapp: WhatsappChannel | null;
  /** The embedded demo's channel on in-process queues; null otherwise. */
  inProcessWhatsapp: InProcessWhatsappChannel | null;
  /** Routers for the HTTP app, by mount path. */
  routers: Array<{ path: string; router: Router }>;
  close(): Promise<void>;
}

export interface CreateServicesOptions {
  config: Config;
  logger: Logger;
  /** Key prefix of every Redis key and queue (tests use a random one). */
  keyPrefix?: string;
}

/**
 * Builds the process's parts. With DATABASE_URL and REDIS_URL set they run
 * on PostgreSQL and Redis; without both, on the embedded database, memory
 * stores and the demo shop (DESIGN.md, "Real parts and how they start").
 */
export async function createServices(
  options: CreateServicesOptions,
): Promise<Services> {
  const { config, logger } = options;
  const keyPrefix = options.keyPrefix ?? 'wakala';
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const embedded = config.isEmbedded ? await startEmbedded(logger) : null;
    if (embedded) closers.push(() => embedded.stop());
    const controlPlane = await openControlPlane(config, embedded, logger);
    closers.unshift(() => controlPlane.close());
    const redis = config.REDIS_URL ? new Redis(config.REDIS_URL) : null;
    if (redis) closers.unshift(() => redis.quit());

    const resolver = createTenantResolver({
      controlPlane,
      redis,
      keyPrefix,
      logger,
    });
    const turnRunner = createTurnRunner({
      ...conversationStores(redis, keyPrefix),
      selectFlow: () => customerFlow,
      runInTenant: (tenantId, fn) =>
        withTenantId(controlPlane, tenantId, () => fn()),
      logger,
    });
    const channels = createWhatsapp(config, redis, keyPrefix, {
      controlPlane,
      resolver,
      turnRunner,
      logger,
    });
    const whatsapp = channels.whatsapp ?? channels.inProcessWhatsapp;
    if (whatsapp) closers.unshift(() => whatsapp.close());

    const routers = buildRouters({
      config,
      logger,
      controlPlane,
      resolver,
      turnRunner,
      whatsapp,
      redis,
      keyPrefix,
    });
    return {
      config,
      logger,
      controlPlane,
      redis,
      resolver,
      turnRunner,
      ...channels,
      routers,
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

async function startEmbedded(logger: Logger): Promise<EmbeddedDatabase> {
  logger.info('no DATABASE_URL or REDIS_URL: starting the embedded demo');
  return startEmbeddedDatabase();
}

async function openControlPlane(
  config: Config,
  embedded: EmbeddedDatabase | null,
  logger: Logger,
): Promise<ControlPlane> {
  const databaseUrl = embedded?.url ?? config.DATABASE_URL;
  if (!databaseUrl) {
    throw new WakalaError('config.missing', 'DATABASE_URL must be set.');
  }
  const controlPlane = await createControlPlane({
    databaseUrl,
    secretKey: config.secretKey,
    logger,
    publicUrl: config.WAKALA_PUBLIC_URL,
    ...(config.WAKALA_DEDICATED_DATABASE_URL
      ? { dedicatedServerUrl: config.WAKALA_DEDICATED_DATABASE_URL }
      : {}),
    // PGlite runs one query at a time; a few connections are plenty.
    ...(embedded ? { poolSize: 4 } : {}),
  });
  if (embedded) {
    await migrateAll(controlPlane);
    const { tenant } = await ensureDemoShop(controlPlane);
    logger.info({ tenantId: tenant.id, slug: tenant.slug }, 'demo shop ready');
  } else {
    await assertMigrated(controlPlane);
  }
  return controlPlane;
}

function conversationStores(
  redis: Redis | null,
  prefix: string,
): {
  sessions: SessionStore;
  locks: ConversationLocks;
  dedupe: InboundDeduplicator;
} {
  if (!redis) {
    return {
      sessions: new MemorySessionStore(),
      locks: new MemoryConversationLocks(),
      dedupe: new MemoryInboundDeduplicator(),
    };
  }
  return {
    sessions: new RedisSessionStore({ redis, prefix }),
    locks: new RedisConversationLocks({ redis, prefix }),
    dedupe: new RedisInboundDeduplicator({ redis, prefix }),
  };
}

interface ChannelDeps {
  controlPlane: ControlPlane;
  resolver: TenantResolver;
  turnRunner: TurnRunner;
  logger: Logger;
}

/**
 * The WhatsApp channel on BullMQ and Redis, or, in the embedded demo, on
 * in-process queues whose work is lost when the process stops (see
 * createInProcessWhatsappChannel); run-process starts the workers.
 */
function createWhatsapp(
  config: Config,
  redis: Redis | null,
  keyPrefix: string,
  deps: ChannelDeps,
): Pick<Services, 'whatsapp' | 'inProcessWhatsapp'> {
  const settings = config.whatsapp;
  const none = { whatsapp: null, inProcessWhatsapp: null };
  if (!settings) return none;
  const options: WhatsappPipelineOptions = {
    config: settings,
    resolver: deps.resolver,
    turnRunner: deps.turnRunner,
    runInTenant: (tenantId, fn) =>
      withTenantId(deps.controlPlane, tenantId, () => fn()),
    numbers: createWhatsappNumberLookup(deps.controlPlane),
    logger: deps.logger,
  };
  if (redis) {
    const whatsapp = createWhatsappChannel({ ...options, redis, keyPrefix });
    return { whatsapp, inProcessWhatsapp: null };
  }
  if (!config.isEmbedded) return none;
  if (config.whatsappDemoSettings.length > 0) {
    deps.logger.info(
      { settings: config.whatsappDemoSettings },
      'whatsapp webhook uses the embedded demo values (README, "Try it")',
    );
  }
  const inProcessWhatsapp = createInProcessWhatsappChannel({
    ...options,
    keyPrefix,
  });
  return { whatsapp: null, inProcessWhatsapp };
}

function buildRouters(
  parts: ChannelDeps & {
    config: Config;
    whatsapp: WhatsappChannelRuntime | null;
    redis: Redis | null;
    keyPrefix: string;
  },
): Array<{ path: string; router: Router }> {
  const { config, logger, redis } = parts;
  const routers: Array<{ path: string; router: Router }> = [
    {
      path: '/admin',
      router: createAdminRouter({
        controlPlane: parts.controlPlane,
        resolver: parts.resolver,
        adminToken: config.adminToken,
        logger,
      }),
    },
    {
      path: '/',
      router: createUssdRouter({
        resolveTenant: parts.resolver,
        turnRunner: parts.turnRunner,
        store: redis
          ? createRedisUssdStore(redis, parts.keyPrefix)
          : createMemoryUssdStore(),
        logger,
        budgetMs: config.USSD_BUDGET_MS,
        limit: config.USSD_SCREEN_LIMIT,
      }),
    },
  ];
  if (parts.whatsapp && config.whatsapp) {
    const settings = config.whatsapp;
    routers.push({
      path: '/',
      router: createWhatsappRouter({
        appSecret: settings.appSecret,
        verifyToken: settings.verifyToken,
        inboundQueue: parts.whatsapp.inboundQueue,
        logger,
      }),
    });
  }
  return routers;
}

async function closeAll(closers: Array<() => Promise<unknown>>): Promise<void> {
  for (const close of closers) {
    await close().catch(() => undefined);
  }
}
