// Wakala's own /ussd for the benchmark: the real composition
// (createServices) on a throw-away PostgreSQL database with the demo shop,
// and Redis under a random key prefix; everything is removed on SIGTERM.
//   node --import tsx bench/ussd/wakala-server.ts <port>
// BENCH_POSTGRES_URL / BENCH_REDIS_URL name the servers (local defaults).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/app/config.ts';
import { createServices } from '../../src/app/create-services.ts';
import { DEMO_SHOP, ensureDemoShop } from '../../src/app/demo-shop.ts';
import { createApp } from '../../src/app/http/create-app.ts';
import { createLogger } from '../../src/shared/index.ts';
import { createControlPlane, migrateAll } from '../../src/tenancy/index.ts';
import {
  createTestDatabase,
  uniqueSuffix,
} from '../../test/support/services.ts';
import type { WalkStep } from './load.ts';

const port = Number(process.argv[2] ?? 4103);
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
if (process.env.BENCH_POSTGRES_URL) {
  process.env.TEST_POSTGRES_URL = process.env.BENCH_POSTGRES_URL;
}
const secretKey = 'bench-ussd-secret-key-0123456789abcdef';
const logger = createLogger({ level: 'silent' });

const database = await createTestDatabase('bench_ussd');
const setup = await createControlPlane({
  databaseUrl: database.url,
  secretKey,
  logger,
});
await migrateAll(setup);
await ensureDemoShop(setup);
await setup.close();

const keyPrefix = `bench-ussd-${uniqueSuffix()}`;
const services = await createServices({
  config: loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    WAKALA_SECRET_KEY: secretKey,
    WAKALA_ADMIN_TOKEN: 'bench-ussd-admin-token-0123456789',
    LOG_LEVEL: 'silent',
  }),
  logger,
  keyPrefix,
});
const app = createApp({
  logger,
  routers: services.routers,
  isReady: () => true,
});
const server = app.listen(port, '127.0.0.1', () => {
  // A returning customer (language and consent given once, in `prepare`)
  // browses: main menu, categories, a product list and its second page,
  // then types "menu" for the main menu, so the next dial starts there again.
  const info: { serviceCode: string; prepare: WalkStep[]; walk: WalkStep[] } = {
    serviceCode: DEMO_SHOP.ussdCode,
    prepare: [
      { text: '', expect: 'CON Choose your language' },
      { text: '1', expect: 'CON To serve you' },
      { text: '1*1', expect: 'CON Welcome to Demo Spaza' },
    ],
    walk: [
      { text: '', expect: 'CON Welcome back to Demo Spaza' },
      { text: '1', expect: 'CON Choose a category' },
      { text: '1*1', expect: 'CON Choose a product (1/2)' },
      { text: '1*1*98', expect: 'CON Choose a product (2/2)' },
      { text: '1*1*98*menu', expect: 'CON Main menu' },
    ],
  };
  process.stdout.write(`ready ${JSON.stringify(info)}\n`);
});

// With BENCH_CPU_PROFILE set (profile.ts does it), SIGUSR2 starts the CPU
// profiler and SIGTERM writes the profile there before cleaning up, so the
// profile holds the measured load only, not start-up and migrations.
const profilePath = process.env.BENCH_CPU_PROFILE;
const inspector = profilePath ? new Session() : undefined;
let isProfiling = false;
if (inspector) {
  inspector.connect();
  process.once('SIGUSR2', () => {
    void (async () => {
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
      isProfiling = true;
      process.stdout.write('profiling\n');
    })();
  });
}

process.once('SIGTERM', () => {
  void (async () => {
    if (inspector && profilePath && isProfiling) {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(profilePath, JSON.stringify(profile));
    }
    server.close();
    await services.close();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await database.drop();
    process.exit(0);
  })();
});
