import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.ts';
import {
  createServices,
  type Services,
} from '../../../src/app/create-services.ts';
import { ensureDemoShop } from '../../../src/app/demo-shop.ts';
import { createApp } from '../../../src/app/http/create-app.ts';
import { signWebhookBody } from '../../../src/channels/whatsapp/index.ts';
import { OPTION, OPTION_PREFIX } from '../../../src/flows/index.ts';
import { LANGUAGES, type Language } from '../../../src/i18n/index.ts';
import {
  createControlPlane,
  migrateAll,
  tenantDb,
  withTenantId,
} from '../../../src/tenancy/index.ts';
import {
  FakeGraphApi,
  type RecordedMessage,
} from '../../support/fake-graph-api.ts';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueSuffix,
  type TestDatabase,
} from '../../support/services.ts';
import { quietLogger } from './whatsapp-fixture.ts';
import {
  buttonReply,
  listReply,
  metaJson,
  textMessage,
  webhookPayload,
  type MessageSpec,
} from './webhook-builder.ts';

const SECRET_KEY = 'whatsapp-order-secret-key-0123456789abcdef';
const APP_SECRET = 'whatsapp-order-app-secret';

const graph = new FakeGraphApi();
let database: TestDatabase;
let services: Services;
let tenantId: string;
let app: ReturnType<typeof createApp>;
const keyPrefix = `test-waorder-${uniqueSuffix()}`;

/** Option ids a recorded message offers: list rows or reply buttons. */
function offeredIds(message: RecordedMessage | undefined): string[] {
  const interactive = message?.payload.interactive as
    | {
        action?: {
          sections?: Array<{ rows?: Array<{ id: string }> }>;
          buttons?: Array<{ reply?: { id: string } }>;
        };
      }
    | undefined;
  const rows = (interactive?.action?.sections ?? []).flatMap(
    (section) => section.rows ?? [],
  );
  const buttons = (interactive?.action?.buttons ?? []).map(
    (button) => button.reply?.id ?? '',
  );
  return [...rows.map((row) => row.id), ...buttons];
}

/**
 * One WhatsApp contact talking to the demo shop through signed webhooks,
 * reading its answers from the fake Graph API.
 */
class Customer {
  seen = 0;
  #clock = Math.floor(Date.now() / 1000);
  #count = 0;
  constructor(readonly phone: string) {}

  /** Everything the shop sent this contact, in order of acceptance. */
  get inbox(): RecordedMessage[] {
    return graph.messages.filter((message) => message.to === this.phone);
  }

  /** A signed webhook body for the next message from this contact. */
  next(kind: 'text' | 'list' | 'button', value: string) {
    this.#count += 1;
    this.#clock += 1;
    const id = `wamid.${this.phone}.${this.#count}`;
    const build = { text: textMessage, list: listReply, button: buttonReply };
    const spec: MessageSpec = build[kind](id, this.phone, value, this.#clock);
    return metaJson(webhookPayload({ messages: [spec] }));
  }

  /** Chooses `optionId` from the last message, as a row or a button. */
  choose(optionId: string): string {
    const last = this.inbox.at(-1);
    const ids = offeredIds(last);
    expect(ids, `offered ${ids.join(', ')}`).toContain(optionId);
    const kind = last?.payload.interactive as { type?: string } | undefined;
    return this.next(kind?.type === 'button' ? 'button' : 'list', optionId);
  }

  /** The first offered option id starting with `prefix`. */
  pick(prefix: string): string {
    const id = offeredIds(this.inbox.at(-1)).find((o) => o.startsWith(prefix));
    if (!id) throw new Error(`no option starting with ${prefix}`);
    return id;
  }

  /** Waits until the newest message offers an option starting with `optionId`. */
  async answered(optionId: string): Promise<RecordedMessage[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const inbox = this.inbox;
      const last = inbox.at(-1);
      const fits = offeredIds(last).some((id) => id.startsWith(optionId));
      if (inbox.length > this.seen && fits) {
        const fresh = inbox.slice(this.seen);
        this.seen = inbox.length;
        return fresh;
      }
      if (Date.now() > deadline)
        throw new Error(
          `no reply offering ${optionId}: ${graph.violations.join('; ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function post(body: string) {
  return request(app)
    .post('/webhooks/whatsapp')
    .set('content-type', 'application/json')
    .set('x-hub-signature-256', signWebhookBody(body, APP_SECRET))
    .send(body)
    .expect(200);
}

/** Sends one webhook and waits for the reply that offers `next`. */
async function say(customer: Customer, body: string, next: string) {
  await post(body);
  return customer.answered(next);
}

/** From the first message to the confirm question, in `language`. */
async function walkToSummary(customer: Customer, language: Language) {
  await say(customer, customer.next('text', 'Hi'), OPTION_PREFIX.language);
  const c = customer;
  await say(c, c.choose(`lang:${language}`), OPTION.consentAccept);
  await say(c, c.choose(OPTION.consentAccept), OPTION.shop);
  await say(c, c.choose(OPTION.shop), OPTION_PREFIX.category);
  await say(c, c.choose(c.pick(OPTION_PREFIX.category)), OPTION_PREFIX.product);
  await say(c, c.choose(c.pick(OPTION_PREFIX.product)), OPTION.addToCart);
  // The quantity prompt offers only "back"; the quantity is typed.
  await say(c, c.choose(OPTION.addToCart), OPTION.back);
  await say(c, c.next('text', '2'), OPTION.viewCart);
  await say(c, c.choose(OPTION.viewCart), OPTION.checkout);
  await say(c, c.choose(OPTION.checkout), OPTION.collection);
  await say(c, c.choose(OPTION.collection), OPTION.confirmOrder);
}

function ordersOf(customer: Customer) {
  return withTenantId(services.controlPlane, tenantId, () =>
    tenantDb().order.findMany({
      where: { customer: { phone: { contains: customer.phone } } },
      include: { lines: true, customer: true },
    }),
  );
}

beforeAll(async () => {
  await graph.start();
  database = await createTestDatabase('waorder');
  const setup = await createControlPlane({
    databaseUrl: database.url,
    secretKey: SECRET_KEY,
    logger: quietLogger,
  });
  try {
    await migrateAll(setup);
    tenantId = (await ensureDemoShop(setup)).tenant.id;
  } finally {
    await setup.close();
  }
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    WAKALA_SECRET_KEY: SECRET_KEY,
    WAKALA_ADMIN_TOKEN: 'whatsapp-order-admin-token-0123456789',
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'whatsapp-order-verify',
    WHATSAPP_GRAPH_URL: graph.url,
  });
  services = await createServices({
    config,
    logger: quietLogger,
    keyPrefix,
  });
  services.whatsapp?.startWorkers();
  app = createApp({
    logger: quietLogger,
    routers: services.routers,
    isReady: () => true,
  });
});

afterAll(async () => {
  const redis = services?.redis;
  const keys = redis ? await redis.keys(`${keyPrefix}*`) : [];
  if (keys.length > 0) await redis?.del(...keys);
  await services?.close();
  await graph.close();
  await database?.drop();
});

describe('WhatsApp order end to end', () => {
  describe.concurrent('when a customer buys through signed webhooks', () => {
    it.each(LANGUAGES.map((language, i) => [language, i] as const))(
      'places a confirmed cash order in %s',
      async (language, i) => {
        const customer = new Customer(`2782555100${i}`);
        await walkToSummary(customer, language);
        await say(customer, customer.choose(OPTION.confirmOrder), OPTION.shop);
        const [order, ...others] = await ordersOf(customer);
        expect(others).toEqual([]);
        expect(order).toMatchObject({
          status: 'confirmed',
          fulfilment: 'collection',
          paymentMethod: 'cash',
          channel: 'whatsapp',
        });
        expect(order?.lines).toMatchObject([{ quantity: 2 }]);
        expect(order?.customer.language).toBe(language);
        const sent = customer.inbox;
        expect(sent.every((m) => m.phoneNumberId === '100000000000001')).toBe(
          true,
        );
        expect(graph.violations).toEqual([]);
      },
    );
  });

  describe('when Meta redelivers and reorders webhooks', () => {
    it('answers a first message delivered three times once', async () => {
      const customer = new Customer('27825552001');
      const body = customer.next('text', 'Hi');
      await Promise.all([post(body), post(body), post(body)]);
      await customer.answered(OPTION_PREFIX.language);
      // Give a doubled reply the time a turn takes to show up.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(customer.inbox).toHaveLength(1);
    });

    it('handles two webhooks posted in reverse order in timestamp order and orders once', async () => {
      const customer = new Customer('27825552002');
      await walkToSummary(customer, 'xh');
      await say(customer, customer.choose(OPTION.back), OPTION.collection);
      await say(customer, customer.choose(OPTION.back), OPTION.checkout);
      // Written first: checkout; written second: collection. Posted the
      // other way round at once, collection would be refused at the cart.
      const first = customer.choose(OPTION.checkout);
      const second = customer.next('button', OPTION.collection);
      await Promise.all([post(second), post(first)]);
      const replies = await customer.answered(OPTION.confirmOrder);
      expect(replies.map((m) => offeredIds(m))).toEqual([
        expect.arrayContaining([OPTION.collection]),
        expect.arrayContaining([OPTION.confirmOrder]),
      ]);
      const confirm = customer.choose(OPTION.confirmOrder);
      await Promise.all([post(confirm), post(confirm), post(confirm)]);
      await customer.answered(OPTION.shop);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(customer.inbox.length).toBe(customer.seen);
      expect(await ordersOf(customer)).toHaveLength(1);
      expect(graph.violations).toEqual([]);
    });
  });
});
