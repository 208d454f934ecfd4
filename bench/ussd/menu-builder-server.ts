// The same four-screen menu served by the ussd-menu-builder package, its
// session in Redis (one hash per USSD session, with an expiry), as its
// README shows it: a route kept in the session, states linked by input.
//   node --import tsx bench/ussd/menu-builder-server.ts <port> <redis-prefix>
import express from 'express';
import { Redis } from 'ioredis';
import UssdMenu from 'ussd-menu-builder';

const port = Number(process.argv[2] ?? 4102);
const prefix = process.argv[3] ?? 'bench-umb';
const redis = new Redis(
  process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
);

const CATEGORIES = [
  'Groceries',
  'Drinks',
  'Household',
  'Hot food',
  'Personal care',
];
const PRODUCTS = [
  ['White bread 700g', 1899],
  ['Full cream milk 1L', 2199],
  ['Maize meal 2.5kg', 4299],
  ['Eggs 6 pack', 3499],
  ['Sugar 1kg', 2599],
  ['Rice 2kg', 4599],
  ['Tea bags 100', 5299],
  ['Cooking oil 750ml', 3999],
] as const;

function rand(cents: number): string {
  return `R${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function productPage(page: number): string {
  const lines = PRODUCTS.slice(page * 4, page * 4 + 4).map(
    ([name, cents], index) => `${page * 4 + index + 1}. ${name} ${rand(cents)}`,
  );
  return ['Groceries:', ...lines, '0. Back', '98. More'].join('\n');
}

/** A menu per request: one shared instance would mix concurrent sessions. */
function buildMenu(): UssdMenu {
  const menu = new UssdMenu();
  const key = (sessionId: string) => `${prefix}:${sessionId}`;
  menu.sessionConfig({
    start: async (sessionId) => {
      await redis
        .multi()
        .hset(key(sessionId), 'open', '1')
        .expire(key(sessionId), 300)
        .exec();
    },
    end: async (sessionId) => {
      await redis.del(key(sessionId));
    },
    get: (sessionId, field) => redis.hget(key(sessionId), field),
    set: async (sessionId, field, value) => {
      await redis.hset(key(sessionId), field, String(value));
    },
  });
  menu.startState({
    run: () =>
      menu.con(
        'Welcome to Mama Thandi Spaza\n1. Shop\n2. Search\n3. My cart\n4. My orders\n5. Language\n6. Help',
      ),
    next: { '1': 'categories' },
  });
  menu.state('categories', {
    run: () =>
      menu.con(
        [
          'Choose a category:',
          ...CATEGORIES.map((c, i) => `${i + 1}. ${c}`),
        ].join('\n'),
      ),
    next: { '1': 'products' },
  });
  menu.state('products', {
    run: () => menu.con(productPage(0)),
    next: { '98': 'products.more' },
  });
  menu.state('products.more', {
    run: () => menu.con(productPage(1)),
    next: { menu: UssdMenu.START_STATE },
  });
  return menu;
}

const app = express();
app.post('/ussd', express.urlencoded({ extended: false }), async (req, res) => {
  const result = await buildMenu().run(req.body as UssdMenu.UssdGatewayArgs);
  res.type('text/plain').send(result);
});
app.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
