// WhatsApp channel under load, through the real app composition: signed
// webhook POSTs answered by Express (latency p50/p99), then each message
// queued, turned by the customer flow and sent to a local fake Graph API
// (messages per second, webhook to send). Run with
//   node --import tsx bench/whatsapp/run.ts
// against PostgreSQL and Redis on 127.0.0.1 (BENCH_POSTGRES_URL and
// BENCH_REDIS_URL override; BENCH_MESSAGES and BENCH_CONCURRENCY set the
// load; BENCH_INTAKE_ONLY=1 starts no workers, to see the webhook answer
// alone; BENCH_MESSAGES_PER_SECOND gives the demo number its own send rate,
// such as 1000 for a number Meta has upgraded, so the pipeline rather than
// the default 80 per second bounds the run). It creates and drops its own
// database and Redis key prefix.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../../src/app/config.ts';
import {
  createServices,
  type Services,
} from '../../src/app/create-services.ts';
import { DEMO_SHOP, ensureDemoShop } from '../../src/app/demo-shop.ts';
import { createApp } from '../../src/app/http/create-app.ts';
import { signWebhookBody } from '../../src/channels/whatsapp/index.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createControlPlane, migrateAll } from '../../src/tenancy/index.ts';
import { FakeGraphApi } from '../../test/support/fake-graph-api.ts';

const SERVER =
  process.env.BENCH_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const INTAKE_ONLY = process.env.BENCH_INTAKE_ONLY === '1';
const NUMBER_RATE = process.env.BENCH_MESSAGES_PER_SECOND;
const DRAIN_LIMIT_MS = 300_000;
const APP_SECRET = 'bench-whatsapp-app-secret';
const SECRET_KEY = 'bench-whatsapp-secret-key-0123456789abcdef';
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });

async function serverQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function percentile(sorted: number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0
  );
}

/**
 * A signed webhook body with one first text message from contact `i`.
 * Every contact is new, so each message makes exactly one reply (the
 * language list) and contacts do not wait on each other's ordering.
 */
function webhookBody(i: number): string {
  const from = `2783${String(i).padStart(7, '0')}`;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '900000000000001',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: '27600000001',
                phone_number_id: DEMO_SHOP.whatsappPhoneNumberId,
              },
              contacts: [{ profile: { name: 'Bench' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: `wamid.bench.${i}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: 'Sawubona' },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

/** When each contact's webhook was posted, to time its reply. */
const postedAt = new Map<string, number>();

/** Posts every webhook with `CONCURRENCY` in flight; returns latencies in ms. */
async function postAll(url: string): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  let refused = 0;
  const worker = async (): Promise<void> => {
    while (next < MESSAGES) {
      const body = webhookBody(next);
      next += 1;
      const started = performance.now();
      postedAt.set(`2783${String(next - 1).padStart(7, '0')}`, started);
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signWebhookBody(body, APP_SECRET),
        },
        body,
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
      if (res.status !== 200) refused += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (refused > 0) throw new Error(`${refused} webhooks were not answered 200`);
  return latencies;
}

async function prepare(databaseUrl: string): Promise<void> {
  const setup = await createControlPlane({
    databaseUrl,
    secretKey: SECRET_KEY,
    logger,
  });
  try {
    await migrateAll(setup);
    await ensureDemoShop(setup, { whatsappAccessToken: 'bench-token' });
    if (NUMBER_RATE !== undefined) {
      await setup.db.whatsappNumber.update({
        where: { phoneNumberId: DEMO_SHOP.whatsappPhoneNumberId },
        data: { messagesPerSecond: Number(NUMBER_RATE) },
      });
    }
  } finally {
    await setup.close();
  }
}

async function listen(services: Services): Promise<Server> {
  const app = createApp({
    logger,
    routers: services.routers,
    isReady: () => true,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return server;
}

async function measure(url: string, graph: FakeGraphApi): Promise<void> {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  let lastSend = started;
  let cpuAtLastSend = cpuAtStart;
  const replyLatencies: number[] = [];
  graph.onMessage((message) => {
    lastSend = performance.now();
    cpuAtLastSend = process.cpuUsage();
    const posted = postedAt.get(message.to);
    if (posted !== undefined) replyLatencies.push(lastSend - posted);
  });
  const latencies = await postAll(url);
  const posted = performance.now();
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  while (
    !INTAKE_ONLY &&
    graph.messages.length < MESSAGES &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const sent = graph.messages.length;
  const sorted = latencies.sort((a, b) => a - b);
  const replies = replyLatencies.sort((a, b) => a - b);
  const seconds = (lastSend - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuToLastSend =
    cpuAtLastSend.user +
    cpuAtLastSend.system -
    cpuAtStart.user -
    cpuAtStart.system;
  console.log(
    `machine: ${cpus().length} cpus, ${cpus()[0]?.model ?? 'unknown'}, load ${loadavg()[0]?.toFixed(1)}`,
  );
  console.log(`number rate: ${NUMBER_RATE ?? 'default (80)'} messages/s`);
  console.log(`webhooks: ${MESSAGES} signed POSTs, concurrency ${CONCURRENCY}`);
  console.log(
    `webhook answer: p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`,
  );
  console.log(
    `webhook intake: ${(MESSAGES / ((posted - started) / 1000)).toFixed(0)} POSTs/s`,
  );
  if (!INTAKE_ONLY)
    console.log(
      `pipeline: ${sent}/${MESSAGES} replies sent in ${seconds.toFixed(1)} s = ${(sent / seconds).toFixed(0)} messages/s (webhook -> worker -> turn -> send)`,
    );
  if (!INTAKE_ONLY)
    console.log(
      `reply latency (POST to send): p50 ${percentile(replies, 0.5).toFixed(0)} ms, p99 ${percentile(replies, 0.99).toFixed(0)} ms`,
    );
  console.log(
    `process CPU: ${((INTAKE_ONLY ? cpu.user + cpu.system : cpuToLastSend) / 1000 / MESSAGES).toFixed(1)} ms per message (this process: app, workers, bench client, fake Graph API)`,
  );
  console.log(`graph limit violations: ${graph.violations.length}`);
}

async function main(): Promise<void> {
  const suffix = randomBytes(5).toString('hex');
  const database = `wakala_bench_wa_${suffix}`;
  const databaseUrl = new URL(SERVER);
  databaseUrl.pathname = `/${database}`;
  const keyPrefix = `bench-wa-${suffix}`;
  const graph = new FakeGraphApi();
  await graph.start();
  await serverQuery(`CREATE DATABASE "${database}"`);
  let services: Services | undefined;
  let server: Server | undefined;
  try {
    await prepare(databaseUrl.toString());
    services = await createServices({
      config: loadConfig({
        DATABASE_URL: databaseUrl.toString(),
        REDIS_URL,
        WAKALA_SECRET_KEY: SECRET_KEY,
        WAKALA_ADMIN_TOKEN: 'bench-whatsapp-admin-token-0123456789',
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_VERIFY_TOKEN: 'bench-whatsapp-verify',
        WHATSAPP_GRAPH_URL: graph.url,
      }),
      logger,
      keyPrefix,
    });
    if (!INTAKE_ONLY) services.whatsapp?.startWorkers();
    server = await listen(services);
    const { port } = server.address() as AddressInfo;
    await measure(`http://127.0.0.1:${port}/webhooks/whatsapp`, graph);
  } finally {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(null));
    const redis = services?.redis;
    const keys = redis ? await redis.keys(`${keyPrefix}*`) : [];
    if (redis && keys.length > 0) await redis.del(...keys);
    await services?.close();
    await graph.close();
    await serverQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}

await main();
