import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from 'vitest';
import {
  PAGE_OPTION_PREFIX,
  type MediaFile,
} from '../../../src/channels/whatsapp/index.ts';
import {
  RedisInboundDeduplicator,
  RedisSessionStore,
  type ConversationKey,
} from '../../../src/engine/index.ts';
import { OPTION, OPTION_PREFIX } from '../../../src/flows/index.ts';
import { LANGUAGES } from '../../../src/i18n/index.ts';
import { tenantDb } from '../../../src/tenancy/index.ts';
import { waitFor, waitForProcessed } from './wait-for.ts';
import {
  createWhatsappAppFixture,
  DEMO_ACCESS_TOKEN,
  type WhatsappAppFixture,
} from './whatsapp-app-fixture.ts';
import {
  bodyFor,
  bodyOf,
  Customer,
  offeredIds,
  type CustomerLine,
} from './whatsapp-customer.ts';
import {
  DEMO_PHONE_NUMBER_ID,
  metaJson,
  webhookPayload,
} from './webhook-builder.ts';

const LANGUAGE_IDS = LANGUAGES.map((l) => `${OPTION_PREFIX.language}${l}`);
const CONSENT_IDS = [OPTION.consentAccept, OPTION.consentDecline];

describe('WhatsApp inbound pipeline', () => {
  let fixture: WhatsappAppFixture;
  let customers = 0;

  beforeAll(async () => {
    fixture = await createWhatsappAppFixture('wain');
  });

  beforeEach(() => {
    fixture.graph.reset();
  });

  afterEach(async () => {
    await fixture.closeChannels();
  });

  afterAll(async () => {
    await fixture?.close();
  });

  /** A contact who never wrote to the shop before. */
  function newCustomer(line: CustomerLine = fixture): Customer {
    customers += 1;
    return new Customer(`2782123${String(customers).padStart(4, '0')}`, line);
  }

  function conversation(customer: Customer): ConversationKey {
    return {
      tenantId: fixture.tenantId,
      channel: 'whatsapp',
      contactId: customer.contactId,
    };
  }

  /** The engine's record that a turn handled `wamid`, if it did. */
  function handledTurn(customer: Customer, wamid: string) {
    const redis = fixture.services.redis;
    if (!redis) throw new Error('the fixture runs without Redis');
    return new RedisInboundDeduplicator({
      redis,
      prefix: fixture.keyPrefix,
    }).findHandled(conversation(customer), wamid);
  }

  /** The conversation's stored session envelope, as the engine keeps it. */
  function storedSession(customer: Customer) {
    const redis = fixture.services.redis;
    if (!redis) throw new Error('the fixture runs without Redis');
    return new RedisSessionStore({ redis, prefix: fixture.keyPrefix }).get(
      conversation(customer),
    );
  }

  describe('when a text message arrives', () => {
    it('runs one turn keyed by the wamid and answers with the language list', async () => {
      const customer = newCustomer();
      const hello = customer.spec('text', 'Sawubona');
      const replies = await customer.say(
        bodyFor(hello),
        OPTION_PREFIX.language,
      );
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatchObject({
        to: customer.phone,
        phoneNumberId: DEMO_PHONE_NUMBER_ID,
        token: DEMO_ACCESS_TOKEN,
      });
      expect(offeredIds(replies[0])).toEqual(LANGUAGE_IDS);
      expect(bodyOf(replies[0])).toBe('Choose your language:');
      expect(await handledTurn(customer, hello.id)).toMatchObject({
        language: 'en',
        isEnded: false,
      });
      expect(await customer.unseenAfter()).toEqual([]);
    });
  });

  describe('when two webhooks of one contact arrive at once in reverse order', () => {
    it('handles them and answers in timestamp order', async () => {
      const customer = newCustomer();
      const hello = customer.next('text', 'Hi');
      const zulu = customer.next('list', `${OPTION_PREFIX.language}zu`);
      // Taken the other way round, "zu" would only open the conversation
      // (a first message gets the language list) and "Hi" would get "not
      // understood": the privacy notice would never come.
      await Promise.all([fixture.post(zulu), fixture.post(hello)]);
      const replies = await customer.answered(OPTION.consentAccept);
      expect(replies.map((m) => offeredIds(m))).toEqual([
        LANGUAGE_IDS,
        CONSENT_IDS,
      ]);
      expect(await customer.unseenAfter()).toEqual([]);
    });
  });

  describe('when the same message is delivered three times', () => {
    it('has one effect and sends one reply', async () => {
      const customer = newCustomer();
      await customer.say(customer.next('text', 'Hi'), OPTION_PREFIX.language);
      const [notice] = await customer.say(
        customer.choose(`${OPTION_PREFIX.language}en`),
        OPTION.consentAccept,
      );
      const accept = customer.choice(OPTION.consentAccept);
      const status = (name: string) => ({
        id: notice?.wamid,
        status: name,
        timestamp: String(accept.timestamp),
        recipient_id: customer.phone,
      });
      // Meta batches as it likes, so one message can come back inside
      // payloads that differ byte for byte (and so pass the route's check).
      const bodies = [
        bodyFor(accept),
        metaJson(
          webhookPayload({
            messages: [accept],
            statuses: [status('delivered')],
          }),
        ),
        metaJson(
          webhookPayload({ messages: [accept], statuses: [status('read')] }),
        ),
      ];
      await Promise.all(bodies.map((body) => fixture.post(body)));
      await customer.answered(OPTION.shop);
      await waitForProcessed(fixture.channel.inboundQueue, bodies);
      expect(await customer.unseenAfter()).toEqual([]);
      const consents = await fixture.inTenant(() =>
        tenantDb().consent.count({
          where: { user: { phone: customer.contactId } },
        }),
      );
      expect(consents).toBe(1);
    });
  });

  describe('when the payload is for an unknown phone_number_id', () => {
    it('processes nothing', async () => {
      const customer = newCustomer();
      const body = metaJson(
        webhookPayload({
          phoneNumberId: '999999999',
          messages: [customer.spec('text', 'hi')],
        }),
      );
      await fixture.post(body);
      await waitForProcessed(fixture.channel.inboundQueue, [body]);
      expect(await customer.unseenAfter(300)).toEqual([]);
      expect(fixture.graph.sendAttempts).toBe(0);
      expect(await storedSession(customer)).toBeUndefined();
      const window = await fixture.inTenant(() =>
        tenantDb().whatsappContactWindow.findUnique({
          where: { contactId: customer.contactId },
        }),
      );
      expect(window).toBeNull();
    });
  });

  describe('when a sticker arrives', () => {
    it('answers that only text, choices and locations are read', async () => {
      const customer = newCustomer();
      const sticker = customer.message('sticker', {
        sticker: { id: 'sticker-1', mime_type: 'image/webp' },
      });
      const [reply] = await customer.say(
        bodyFor(sticker),
        OPTION_PREFIX.language,
      );
      expect(bodyOf(reply)).toMatch(
        /^Sorry, I can only read text, choices and locations/,
      );
      expect(offeredIds(reply)).toEqual(LANGUAGE_IDS);
    });
  });

  describe('when an image arrives', () => {
    it('downloads it with the bearer token, stores it by media id and runs the turn', async () => {
      const stored: Array<{
        tenantId: string;
        mediaId: string;
        bytes: string;
      }> = [];
      const keep = (tenantId: string, mediaId: string, file: MediaFile) => {
        stored.push({ tenantId, mediaId, bytes: file.bytes.toString('utf8') });
        return Promise.resolve();
      };
      const extra = fixture.createChannel({ mediaStore: keep });
      extra.channel.startWorkers();
      fixture.graph.addMedia(
        'media-77',
        Buffer.from('jpeg-bytes'),
        'image/jpeg',
      );
      const customer = newCustomer({ graph: fixture.graph, post: extra.post });
      const image = customer.message('image', {
        image: { id: 'media-77', mime_type: 'image/jpeg' },
      });
      const [reply] = await customer.say(
        bodyFor(image),
        OPTION_PREFIX.language,
      );
      expect(stored).toEqual([
        {
          tenantId: fixture.tenantId,
          mediaId: 'media-77',
          bytes: 'jpeg-bytes',
        },
      ]);
      expect(fixture.graph.mediaRequests).toEqual([
        { mediaId: 'media-77', step: 'lookup', token: DEMO_ACCESS_TOKEN },
        { mediaId: 'media-77', step: 'download', token: DEMO_ACCESS_TOKEN },
      ]);
      expect(bodyOf(reply)).toBe('Choose your language:');
      expect(offeredIds(reply)).toEqual(LANGUAGE_IDS);
      expect(await handledTurn(customer, image.id)).toBeDefined();
    });
  });

  describe('when status webhooks arrive out of order', () => {
    it('records each once and never moves the message status back', async () => {
      const customer = newCustomer();
      const [sent] = await customer.say(
        customer.next('text', 'status please'),
        OPTION_PREFIX.language,
      );
      const wamid = sent?.wamid ?? '';
      const record = () =>
        fixture.inTenant(() =>
          tenantDb().whatsappOutboundMessage.findUnique({ where: { wamid } }),
        );
      await waitFor(async () => (await record()) !== null, 'the sent record');
      const now = Math.floor(Date.now() / 1000);
      const status = (name: string, at: number) => ({
        id: wamid,
        status: name,
        timestamp: String(at),
        recipient_id: customer.phone,
      });
      const both = metaJson(
        webhookPayload({
          statuses: [status('read', now + 2), status('delivered', now + 1)],
        }),
      );
      const again = metaJson(
        webhookPayload({ statuses: [status('read', now + 2)] }),
      );
      await fixture.post(both);
      await fixture.post(again);
      await waitForProcessed(fixture.channel.inboundQueue, [both, again]);
      expect((await record())?.status).toBe('read');
      const history = await fixture.inTenant(() =>
        tenantDb().whatsappMessageStatus.findMany({ where: { wamid } }),
      );
      expect(history.map((h) => h.status).sort()).toEqual([
        'delivered',
        'read',
      ]);
    });
  });

  describe('when a menu has more options than a list holds', () => {
    it('answers the paging row itself with the next page, without a turn', async () => {
      const { categoryId, products } = await fillFirstCategory(fixture, 14);
      const ids = products.map((p) => `${OPTION_PREFIX.product}${p.id}`);
      expect(ids).toHaveLength(14);
      const c = newCustomer();
      const [page] = await walkToCategory(c, categoryId);
      // The customer flow pages a category itself, four products at a time,
      // so no screen of it needs the channel's paging rows.
      expect(offeredIds(page)).toEqual([
        ...ids.slice(0, 4),
        OPTION.more,
        OPTION.back,
      ]);
      // A menu sent from outside the conversation has no such limit.
      await fixture.channel.sendReplies({
        tenantId: fixture.tenantId,
        phoneNumberId: DEMO_PHONE_NUMBER_ID,
        contactId: c.contactId,
        language: 'en',
        replies: [
          {
            kind: 'menu',
            text: { key: 'shop:products.title', params: { page: 1, pages: 1 } },
            options: products.map((p) => ({
              id: `${OPTION_PREFIX.product}${p.id}`,
              label: { key: 'shop:product.label', params: { name: p.name } },
            })),
          },
        ],
      });
      const [first] = await c.answered(PAGE_OPTION_PREFIX);
      expect(offeredIds(first)).toEqual([
        ...ids.slice(0, 9),
        `${PAGE_OPTION_PREFIX}1`,
      ]);
      const sessionBefore = await storedSession(c);
      const paging = c.choice(`${PAGE_OPTION_PREFIX}1`);
      const [second] = await c.say(bodyFor(paging), PAGE_OPTION_PREFIX);
      expect(offeredIds(second)).toEqual([
        `${PAGE_OPTION_PREFIX}0`,
        ...ids.slice(9),
      ]);
      expect(await handledTurn(c, paging.id)).toBeUndefined();
      expect(await storedSession(c)).toBe(sessionBefore);
      expect(await c.unseenAfter(500)).toEqual([]);
      // The flow goes on from where it was: a row of the second page opens
      // that product.
      const last = products.at(-1);
      const [detail] = await c.say(
        c.choose(ids.at(-1) ?? ''),
        OPTION.addToCart,
      );
      expect(bodyOf(detail)).toContain(last?.name ?? '?');
    });
  });
});

/** From a first "Hi" to the first page of the category's products. */
async function walkToCategory(c: Customer, categoryId: string) {
  await c.say(c.next('text', 'Hi'), OPTION_PREFIX.language);
  await c.say(c.choose(`${OPTION_PREFIX.language}en`), OPTION.consentAccept);
  await c.say(c.choose(OPTION.consentAccept), OPTION.shop);
  await c.say(c.choose(OPTION.shop), OPTION_PREFIX.category);
  return c.say(
    c.choose(`${OPTION_PREFIX.category}${categoryId}`),
    OPTION_PREFIX.product,
  );
}

/**
 * Fills the first category the customer sees up to `total` products and
 * returns them in the order the shop lists them (by name).
 */
async function fillFirstCategory(fixture: WhatsappAppFixture, total: number) {
  return fixture.inTenant(async () => {
    const db = tenantDb();
    const category = await db.category.findFirstOrThrow({
      where: { isActive: true },
      orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }],
    });
    const listed = () =>
      db.product.findMany({
        where: { categoryId: category.id, isActive: true },
        orderBy: { name: 'asc' },
        select: { id: true, name: true },
      });
    const existing = (await listed()).length;
    for (let i = existing + 1; i <= total; i += 1) {
      await db.product.create({
        data: {
          categoryId: category.id,
          name: `Paging sample ${String(i).padStart(2, '0')}`,
          priceCents: 1000 + i,
          stockQuantity: 5,
        },
      });
    }
    return { categoryId: category.id, products: await listed() };
  });
}
