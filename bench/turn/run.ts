// Turn throughput and latency of the real turn runner on PostgreSQL and
// Redis, and the size of the sessions after a full purchase. Run with
//   node --import tsx bench/turn/run.ts [--contacts 100] [--browse 2000] [--concurrency 8]
// BENCH_POSTGRES_URL and BENCH_REDIS_URL override the servers on 127.0.0.1.
// It creates and drops its own database and deletes its Redis keys.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { InboundMessage, TurnResult } from '../../src/engine/index.ts';
import { numberOptions, OPTION } from '../../src/flows/index.ts';
import { tenantDb } from '../../src/tenancy/index.ts';
import {
  openLiveShop,
  type LiveShop,
} from '../../test/transcripts/live-shop.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100' },
    browse: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
  },
});
const CONTACTS = Number(values.contacts);
const BROWSE_TURNS = Number(values.browse);
const CONCURRENCY = Number(values.concurrency);
const PRODUCT = 'Amasi 2L';

/** One simulated customer: sends typed text, remembers the last menu. */
class Customer {
  private count = 0;
  private last: TurnResult | undefined;

  constructor(
    private readonly shop: LiveShop,
    readonly phone: string,
  ) {}

  /** Sends `text`; returns the turn's latency in milliseconds. */
  async type(text: string): Promise<number> {
    this.count += 1;
    const message: InboundMessage = {
      id: `${this.phone}-${this.count}`,
      tenantId: this.shop.tenant.id,
      channel: 'whatsapp',
      contact: { id: this.phone, phone: this.phone },
      event: { type: 'user.text', text },
      receivedAt: Date.now(),
    };
    const started = performance.now();
    const result = await this.shop.services.turnRunner.handle(message);
    const took = performance.now() - started;
    if (result.status !== 'handled') {
      throw new Error(`turn ${result.status} for "${text}"`);
    }
    this.last = result;
    return took;
  }

  /** Types the digits of the last menu's option whose id starts so. */
  choose(optionId: string): Promise<number> {
    const menu = this.last?.replies.findLast((reply) => reply.kind === 'menu');
    const row =
      menu?.kind === 'menu'
        ? numberOptions(menu.options).find(({ option }) =>
            option.id.startsWith(optionId),
          )
        : undefined;
    if (!row) throw new Error(`no option ${optionId} in the last menu`);
    return this.type(row.digits);
  }
}

/** Runs `work(i)` for i in 0..count-1 with at most CONCURRENCY at once. */
async function pool(
  count: number,
  work: (index: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - started;
}

async function onboard(customer: Customer): Promise<void> {
  await customer.type('Hi');
  await customer.choose('lang:en');
  await customer.choose(OPTION.consentAccept);
}

/** From the main menu to the summary of a collection order of 1 item. */
async function fillCartToSummary(customer: Customer): Promise<void> {
  await customer.choose(OPTION.shop);
  await customer.choose('cat:'); // Groceries, the first category
  await customer.choose('prod:'); // Amasi 2L, the first product
  await customer.choose(OPTION.addToCart);
  await customer.type('1');
  await customer.choose(OPTION.viewCart);
  await customer.choose(OPTION.checkout);
  await customer.choose(OPTION.collection);
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

interface Row {
  name: string;
  turns: number;
  elapsedMs: number;
  latencies: number[];
  /** Process CPU (user + system) over the timed turns, in ms. */
  cpuMs: number;
}

/** Runs `work` and adds the process CPU time it took to `row`. */
async function timedCpu<T>(row: Row, work: () => Promise<T>): Promise<T> {
  const before = process.cpuUsage();
  try {
    return await work();
  } finally {
    const used = process.cpuUsage(before);
    row.cpuMs += (used.user + used.system) / 1000;
  }
}

function summarise(row: Row): Record<string, string | number> {
  const sorted = [...row.latencies].sort((a, b) => a - b);
  return {
    turn: row.name,
    turns: row.turns,
    'turns/s': Math.round((row.turns / row.elapsedMs) * 1000),
    'p50 ms': percentile(sorted, 0.5).toFixed(1),
    'p99 ms': percentile(sorted, 0.99).toFixed(1),
    // One process runs the customers and the runner; the customers' part
    // is small (building a message, reading a menu).
    'CPU ms/turn': (row.cpuMs / row.turns).toFixed(2),
  };
}

async function sessionSizes(shop: LiveShop): Promise<number[]> {
  const redis = shop.services.redis;
  if (!redis) throw new Error('the bench needs Redis');
  const sizes: number[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      `${shop.keyPrefix}:session:*`,
      'COUNT',
      500,
    );
    cursor = next;
    for (const key of keys) sizes.push(await redis.strlen(key));
  } while (cursor !== '0');
  return sizes.sort((a, b) => a - b);
}

/** Browse turns: each loads a product page of a category. */
async function benchBrowse(customers: Customer[]): Promise<Row> {
  // Browse: every customer opens a category, then pages More / Back
  // through its products; each timed turn loads a product page.
  await pool(CONTACTS, async (i) => {
    await customers[i]!.choose(OPTION.shop);
    await customers[i]!.choose('cat:');
  });
  const browse: Row = {
    name: 'browse (product page)',
    turns: 0,
    elapsedMs: 0,
    latencies: [],
    cpuMs: 0,
  };
  browse.elapsedMs = await timedCpu(browse, () =>
    pool(BROWSE_TURNS, async (n) => {
      const customer = customers[n % CONTACTS]!;
      const isForward = Math.floor(n / CONTACTS) % 2 === 0;
      browse.latencies.push(
        await customer.choose(isForward ? OPTION.more : OPTION.back),
      );
    }),
  );
  browse.turns = BROWSE_TURNS;
  return browse;
}

/** Checkout turns: each reserves stock and places an order. */
async function benchCheckout(
  shop: LiveShop,
  customers: Customer[],
): Promise<Row> {
  // Checkout: every customer fills a cart up to the summary (not timed),
  // then all confirm; each timed turn reserves stock and places an order.
  await pool(CONTACTS, async (i) => {
    await customers[i]!.type('menu');
    await fillCartToSummary(customers[i]!);
  });
  const checkout: Row = {
    name: 'checkout (confirm order)',
    turns: CONTACTS,
    elapsedMs: 0,
    latencies: [],
    cpuMs: 0,
  };
  checkout.elapsedMs = await timedCpu(checkout, () =>
    pool(CONTACTS, async (i) => {
      checkout.latencies.push(await customers[i]!.choose(OPTION.confirmOrder));
    }),
  );
  const orders = await shop.run(() => tenantDb().order.count());
  if (orders !== CONTACTS)
    throw new Error(`${orders} orders, expected ${CONTACTS}`);
  return checkout;
}

async function main(): Promise<void> {
  const shop = await openLiveShop({
    postgresUrl:
      process.env.BENCH_POSTGRES_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    label: 'benchturn',
  });
  try {
    // Enough stock that every checkout succeeds.
    await shop.run(() =>
      tenantDb().product.updateMany({
        where: { name: PRODUCT },
        data: { stockQuantity: 1_000_000 },
      }),
    );
    const customers = Array.from(
      { length: CONTACTS },
      (_, i) => new Customer(shop, `+2783${String(i).padStart(7, '0')}`),
    );
    await pool(CONTACTS, (i) => onboard(customers[i]!));

    const browse = await benchBrowse(customers);
    const checkout = await benchCheckout(shop, customers);

    const sizes = await sessionSizes(shop);
    console.log(
      `machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}; ` +
        `concurrency ${CONCURRENCY}, ${CONTACTS} customers`,
    );
    console.table([summarise(browse), summarise(checkout)]);
    console.table([
      {
        sessions: sizes.length,
        'median bytes': percentile(sizes, 0.5),
        'largest bytes': sizes.at(-1) ?? 0,
      },
    ]);
  } finally {
    await shop.close();
  }
}

await main();
