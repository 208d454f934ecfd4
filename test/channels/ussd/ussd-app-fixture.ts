import type { Express } from 'express';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { loadConfig } from '../../../src/app/config.ts';
import {
  createServices,
  type Services,
} from '../../../src/app/create-services.ts';
import { DEMO_SHOP, ensureDemoShop } from '../../../src/app/demo-shop.ts';
import { createApp } from '../../../src/app/http/create-app.ts';
import { createLogger, type Logger } from '../../../src/shared/index.ts';
import {
  createControlPlane,
  migrateAll,
  type ResolvedTenant,
} from '../../../src/tenancy/index.ts';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueSuffix,
  type TestDatabase,
} from '../../support/services.ts';

const SECRET_KEY = 'ussd-test-secret-key-0123456789abcdef';

/** The whole Wakala app on a fresh database and Redis prefix, for tests. */
export interface UssdApp {
  app: Express;
  services: Services;
  tenant: ResolvedTenant;
  database: TestDatabase;
  serviceCode: string;
  /** Posts one Africa's Talking callback; resolves with the body. */
  dial(sessionId: string, phone: string, text: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Builds the app through the lead's composition (`createServices`), on a
 * new database holding the migrated control plane and the demo shop with
 * its catalogue, and a random Redis key prefix.
 */
export async function startUssdApp(
  options: { budgetMs?: number; logger?: Logger } = {},
): Promise<UssdApp> {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const database = await createTestDatabase('ussd');
  const setup = await createControlPlane({
    databaseUrl: database.url,
    secretKey: SECRET_KEY,
    logger,
  });
  let tenant: ResolvedTenant;
  try {
    await migrateAll(setup);
    tenant = (await ensureDemoShop(setup)).tenant;
  } finally {
    await setup.close();
  }
  const keyPrefix = `test-ussd-${uniqueSuffix()}`;
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    WAKALA_SECRET_KEY: SECRET_KEY,
    WAKALA_ADMIN_TOKEN: 'ussd-test-admin-token-0123456789',
    USSD_BUDGET_MS: String(options.budgetMs ?? 2000),
  });
  const services = await createServices({ config, logger, keyPrefix });
  const app = createApp({
    logger,
    routers: services.routers,
    isReady: () => true,
  });
  // One listening server and kept-alive connections: the screen walker sends
  // thousands of requests, and a new server per request would dominate.
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  return {
    app,
    services,
    tenant,
    database,
    serviceCode: DEMO_SHOP.ussdCode,
    async dial(sessionId, phone, text) {
      const form = new URLSearchParams({
        sessionId,
        serviceCode: DEMO_SHOP.ussdCode,
        phoneNumber: phone,
        networkCode: '65501',
        text,
      }).toString();
      const { status, body } = await post(agent, port, form);
      if (status !== 200) {
        throw new Error(`POST /ussd answered ${status}: ${body}`);
      }
      return body;
    },
    async close() {
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
      await services.close();
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const keys = await redis.keys(`${keyPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
      await database.drop();
    },
  };
}

function post(
  agent: Agent,
  port: number,
  form: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/ussd',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(form),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(form);
  });
}
