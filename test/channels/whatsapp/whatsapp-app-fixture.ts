import type { Express } from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { loadConfig } from '../../../src/app/config.ts';
import {
  createServices,
  type Services,
} from '../../../src/app/create-services.ts';
import { ensureDemoShop } from '../../../src/app/demo-shop.ts';
import { createApp } from '../../../src/app/http/create-app.ts';
import type { Prisma } from '../../../src/generated/control/client.ts';
import {
  createWhatsappChannel,
  createWhatsappNumberLookup,
  createWhatsappRouter,
  signWebhookBody,
  type WhatsappChannel,
  type WhatsappChannelOptions,
} from '../../../src/channels/whatsapp/index.ts';
import {
  createControlPlane,
  migrateAll,
  withTenantId,
} from '../../../src/tenancy/index.ts';
import { FakeGraphApi } from '../../support/fake-graph-api.ts';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueSuffix,
} from '../../support/services.ts';
import { quietLogger } from './quiet-logger.ts';

const SECRET_KEY = 'whatsapp-fixture-secret-key-0123456789abcdef';
const APP_SECRET = 'whatsapp-fixture-app-secret';
const VERIFY_TOKEN = 'whatsapp-fixture-verify-token';

/** The Cloud API token stored (encrypted) for the demo shop's number. */
export const DEMO_ACCESS_TOKEN = 'demo-number-access-token';

/**
 * Channel options a test may choose for an extra channel; the parts that
 * make it Wakala (resolver, turn runner, tenancy, tokens) always come from
 * the running services.
 */
export type ExtraChannelOptions = Partial<
  Omit<
    WhatsappChannelOptions,
    'redis' | 'config' | 'resolver' | 'turnRunner' | 'runInTenant' | 'numbers'
  >
>;

/** A channel built beside the app's own, with its own webhook route. */
export interface ExtraChannel {
  channel: WhatsappChannel;
  keyPrefix: string;
  /** Posts a signed webhook body to this channel's route; expects 200. */
  post: (body: string) => Promise<void>;
}

/**
 * Wakala as it runs in production, on a fresh database: the demo shop,
 * `createServices` on PostgreSQL and Redis, the HTTP app and the fake
 * Graph API. Each fixture uses its own database and Redis key prefix.
 */
export interface WhatsappAppFixture {
  services: Services;
  /** The app's WhatsApp channel (workers started). */
  channel: WhatsappChannel;
  graph: FakeGraphApi;
  app: Express;
  tenantId: string;
  keyPrefix: string;
  /** Posts a signed webhook body to the app; expects 200. */
  post: (body: string) => Promise<void>;
  /** Runs `fn` inside the demo shop's tenant scope (`tenantDb()` works). */
  inTenant<T>(fn: () => Promise<T>): Promise<T>;
  /** Replaces the shop's `settings.whatsapp` and drops cached resolutions. */
  setWhatsappSettings(whatsapp: Prisma.InputJsonObject): Promise<void>;
  /** A fresh key prefix under this fixture's, for an extra channel. */
  newKeyPrefix(): string;
  /**
   * Builds a channel on the real resolver, turn runner, tenancy and token
   * lookup, for options the app does not expose (short backoff, short
   * locks, pause points, a media store). Workers are not started.
   */
  createChannel(options?: ExtraChannelOptions): ExtraChannel;
  /** Closes every extra channel built so far. */
  closeChannels(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the fixture; `label` names its database. */
export async function createWhatsappAppFixture(
  label: string,
): Promise<WhatsappAppFixture> {
  const graph = new FakeGraphApi();
  await graph.start();
  const database = await createTestDatabase(label);
  const keyPrefix = `test-${label}-${uniqueSuffix()}`;
  let services: Services | undefined;
  // Workers stop before their keys go, so nothing writes after the sweep.
  const teardown = async () => {
    await services?.close();
    await deleteKeys(keyPrefix);
    await graph.close();
    await database.drop();
  };
  try {
    const tenantId = await seedDemoShop(database.url);
    services = await createServices({
      config: appConfig(database.url, graph.url),
      logger: quietLogger,
      keyPrefix,
    });
    const parts = { services, graph, tenantId, keyPrefix };
    const fixture = assemble(parts, teardown);
    fixture.channel.startWorkers();
    return fixture;
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** Migrates the fresh database and provisions the demo shop in it. */
async function seedDemoShop(databaseUrl: string): Promise<string> {
  const setup = await createControlPlane({
    databaseUrl,
    secretKey: SECRET_KEY,
    logger: quietLogger,
  });
  try {
    await migrateAll(setup);
    const { tenant } = await ensureDemoShop(setup, {
      whatsappAccessToken: DEMO_ACCESS_TOKEN,
    });
    return tenant.id;
  } finally {
    await setup.close();
  }
}

function appConfig(databaseUrl: string, graphUrl: string) {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    WAKALA_SECRET_KEY: SECRET_KEY,
    WAKALA_ADMIN_TOKEN: 'whatsapp-fixture-admin-token-0123456789',
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    WHATSAPP_GRAPH_URL: graphUrl,
  });
}

interface FixtureParts {
  services: Services;
  graph: FakeGraphApi;
  tenantId: string;
  keyPrefix: string;
}

function assemble(
  parts: FixtureParts,
  closeParts: () => Promise<void>,
): WhatsappAppFixture {
  const { services, graph, tenantId, keyPrefix } = parts;
  const channel = services.whatsapp;
  if (!channel) throw new Error('createServices built no WhatsApp channel');
  const app = createApp({
    logger: quietLogger,
    routers: services.routers,
    isReady: () => true,
  });
  const extras: WhatsappChannel[] = [];
  let prefixes = 0;
  const newKeyPrefix = () => `${keyPrefix}-x${(prefixes += 1)}`;
  const closeChannels = async () => {
    await Promise.all(extras.splice(0).map((extra) => extra.close()));
  };
  return {
    services,
    channel,
    graph,
    app,
    tenantId,
    keyPrefix,
    post: (body) => signedPost(app, body),
    inTenant: (fn) => withTenantId(services.controlPlane, tenantId, () => fn()),
    setWhatsappSettings: (whatsapp) =>
      setWhatsappSettings(services, tenantId, whatsapp),
    newKeyPrefix,
    createChannel(options = {}) {
      const extra = buildChannel(parts, {
        keyPrefix: newKeyPrefix(),
        ...options,
      });
      extras.push(extra.channel);
      return extra;
    },
    closeChannels,
    async close() {
      await closeChannels();
      await closeParts();
    },
  };
}

function buildChannel(
  parts: FixtureParts,
  options: ExtraChannelOptions & { keyPrefix: string },
): ExtraChannel {
  const { services, graph } = parts;
  const settings = services.config.whatsapp;
  if (!services.redis || !settings) {
    throw new Error('the services run without Redis or WhatsApp settings');
  }
  const channel = createWhatsappChannel({
    redis: services.redis,
    config: { graphUrl: graph.url, graphVersion: settings.graphVersion },
    resolver: services.resolver,
    turnRunner: services.turnRunner,
    runInTenant: (id, fn) =>
      withTenantId(services.controlPlane, id, () => fn()),
    numbers: createWhatsappNumberLookup(services.controlPlane),
    logger: quietLogger,
    ...options,
  });
  const router = createWhatsappRouter({
    appSecret: settings.appSecret,
    verifyToken: settings.verifyToken,
    inboundQueue: channel.inboundQueue,
    logger: quietLogger,
  });
  const app = createApp({
    logger: quietLogger,
    routers: [{ path: '/', router }],
    isReady: () => true,
  });
  return {
    channel,
    keyPrefix: options.keyPrefix,
    post: (body) => signedPost(app, body),
  };
}

/** Posts `body` to the webhook route signed as Meta signs it. */
async function signedPost(app: Express, body: string): Promise<void> {
  await request(app)
    .post('/webhooks/whatsapp')
    .set('content-type', 'application/json')
    .set('x-hub-signature-256', signWebhookBody(body, APP_SECRET))
    .send(body)
    .expect(200);
}

async function setWhatsappSettings(
  services: Services,
  tenantId: string,
  whatsapp: Prisma.InputJsonObject,
): Promise<void> {
  const db = services.controlPlane.db;
  const row = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const current =
    typeof row.settings === 'object' &&
    row.settings !== null &&
    !Array.isArray(row.settings)
      ? row.settings
      : {};
  await db.tenant.update({
    where: { id: tenantId },
    data: { settings: { ...current, whatsapp } },
  });
  // The resolver caches the tenant (settings included) for minutes.
  await services.resolver.invalidateTenant(tenantId);
}

/** Removes every Redis key under `prefix` (queues, sessions, caches). */
async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
