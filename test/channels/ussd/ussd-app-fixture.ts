import type { Express } from 'express';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
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
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** One answer of `POST /ussd`, whatever its status. */
export interface UssdHttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** The whole Wakala app on a fresh database and Redis prefix, for tests. */
export interface UssdApp {
  app: Express;
  services: Services;
  tenant: ResolvedTenant;
  database: TestDatabase;
  serviceCode: string;
  /**
   * Posts one Africa's Talking callback to the demo shop's code, or to
   * `serviceCode`; resolves with the body and throws on any status but 200.
   */
  dial(
    sessionId: string,
    phone: string,
    text: string,
    serviceCode?: string,
  ): Promise<string>;
  /** Posts `body` as it is, for requests a gateway should never send. */
  send(body: string, contentType?: string): Promise<UssdHttpAnswer>;
  /**
   * Makes `serviceCode` a platform-shared code on which the demo shop is
   * reached by typing `storeCode`.
   */
  registerSharedCode(serviceCode: string, storeCode: string): Promise<void>;
  close(): Promise<void>;
}

/** Log lines written by the app, read back by a test. */
export interface CapturedLogs {
  logger: Logger;
  /** Every line so far, parsed. */
  records(): Array<Record<string, unknown>>;
  /** Every line so far, as written. */
  text(): string;
  clear(): void;
}

/**
 * A real pino logger (with the app's redaction) whose lines are kept in
 * memory, so a test can see what the app logged and count its turns.
 */
export function captureLogs(level = 'info'): CapturedLogs {
  let lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger({ level, destination }),
    records: () =>
      lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => lines.join('\n'),
    clear: () => {
      lines = [];
    },
  };
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
    async dial(sessionId, phone, text, serviceCode = DEMO_SHOP.ussdCode) {
      const form = new URLSearchParams({
        sessionId,
        serviceCode,
        phoneNumber: phone,
        networkCode: '65501',
        text,
      }).toString();
      const { status, body } = await post(agent, port, form, FORM_TYPE);
      if (status !== 200) {
        throw new Error(`POST /ussd answered ${status}: ${body}`);
      }
      return body;
    },
    send: (body, contentType) => post(agent, port, body, contentType),
    async registerSharedCode(serviceCode, storeCode) {
      // No command adds a store code to an existing shop (provisioning
      // does it only for a new one), so the rows go in through the control
      // plane's client, and the resolver is told, as provisioning does.
      const { db } = services.controlPlane;
      await db.$transaction([
        db.sharedUssdCode.create({ data: { serviceCode } }),
        db.storeCode.create({
          data: { serviceCode, storeCode, tenantId: tenant.id },
        }),
      ]);
      await services.resolver.invalidateMappings([
        { ussdCode: serviceCode },
        { sharedServiceCode: serviceCode, storeCode },
      ]);
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
  body: string,
  contentType: string | undefined,
): Promise<UssdHttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/ussd',
        headers: {
          ...(contentType ? { 'content-type': contentType } : {}),
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (answer += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            body: answer,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
