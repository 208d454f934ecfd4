import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from 'vitest';
import type { WhatsappChannel } from '../../../src/channels/whatsapp/index.ts';
import { OPTION, OPTION_PREFIX, type Reply } from '../../../src/flows/index.ts';
import { tenantDb } from '../../../src/tenancy/index.ts';
import { waitFor } from './wait-for.ts';
import {
  createWhatsappAppFixture,
  type ExtraChannelOptions,
  type WhatsappAppFixture,
} from './whatsapp-app-fixture.ts';
import { bodyOf, Customer } from './whatsapp-customer.ts';
import { DEMO_PHONE_NUMBER_ID } from './webhook-builder.ts';

const TEMPLATE = { name: 'order_update', language: 'en' };
const DAY_MS = 24 * 3600_000;

/** A reply the shop sends from outside a conversation (no search hits). */
const notice = (query: string): Reply => ({
  kind: 'text',
  text: { key: 'shop:search.empty', params: { query } },
});
const noticeText = (query: string) =>
  `Nothing found for "${query}". Try other words.`;

describe('WhatsApp outbound sending', () => {
  let fixture: WhatsappAppFixture;
  let customer: Customer;
  let customers = 0;

  beforeAll(async () => {
    fixture = await createWhatsappAppFixture('waout');
  });

  // Every test sends to a contact who has just written to the shop through
  // the app, so the 24-hour window is open unless the test moves the clock.
  beforeEach(async () => {
    fixture.graph.reset();
    await fixture.setWhatsappSettings({ template: TEMPLATE });
    customers += 1;
    customer = new Customer(
      `2782000${String(customers).padStart(4, '0')}`,
      fixture,
    );
    await customer.say(customer.next('text', 'Hi'), OPTION_PREFIX.language);
    fixture.graph.reset();
  });

  afterEach(async () => {
    await fixture.closeChannels();
  });

  afterAll(async () => {
    await fixture?.close();
  });

  /** An extra channel with a fast retry, so tests need not wait seconds. */
  function start(options: ExtraChannelOptions = {}): WhatsappChannel {
    return fixture.createChannel({ backoffDelayMs: 50, ...options }).channel;
  }

  const send = (channel: WhatsappChannel, replies: Reply[]) =>
    channel.sendReplies({
      tenantId: fixture.tenantId,
      phoneNumberId: DEMO_PHONE_NUMBER_ID,
      contactId: customer.contactId,
      language: 'en',
      replies,
    });
  const record = (id: string | undefined) =>
    fixture.inTenant(() =>
      tenantDb().whatsappOutboundMessage.findUniqueOrThrow({
        where: { id: id ?? '' },
      }),
    );

  describe('when Meta answers 130429 twice and then accepts', () => {
    it('delivers the message once after two retries', async () => {
      const channel = start();
      channel.startWorkers();
      fixture.graph.answerError(130429, 2);
      const [id] = await send(channel, [notice('amasi')]);
      await fixture.graph.waitForMessages(1);
      await waitFor(
        async () => (await record(id)).status === 'sent',
        'the sent record',
      );
      expect(fixture.graph.sendAttempts).toBe(3);
      expect(customer.inbox.map(bodyOf)).toEqual([noticeText('amasi')]);
      expect(await record(id)).toMatchObject({
        attempts: 3,
        wamid: fixture.graph.messages[0]?.wamid,
      });
    });
  });

  describe('when Meta answers 131026', () => {
    it('records the failure and does not retry', async () => {
      const channel = start();
      channel.startWorkers();
      fixture.graph.answerError(131026, 5);
      const [id] = await send(channel, [notice('bread')]);
      await waitFor(
        async () => (await record(id)).status === 'failed',
        'the failed record',
      );
      await waitFor(
        async () =>
          (await channel.outboundQueue.getJobCounts('failed')).failed === 1,
        'the failed job',
      );
      expect(await record(id)).toMatchObject({
        errorCode: 131026,
        wamid: null,
      });
      expect(fixture.graph.sendAttempts).toBe(1);
    });
  });

  describe('when the 24-hour window is closed', () => {
    it('sends the tenant template once and drops the rest of the closed window', async () => {
      // A day and an hour after the customer's "Hi".
      const channel = start({ clock: () => Date.now() + DAY_MS + 3600_000 });
      channel.startWorkers();
      const ids = await send(channel, [
        notice('paid'),
        {
          kind: 'menu',
          text: { key: 'common:what_next' },
          options: [{ id: OPTION.shop, label: { key: 'shop:menu.shop' } }],
        },
        notice('later'),
      ]);
      await waitFor(
        async () =>
          (await Promise.all(ids.map(record))).every(
            (r) => r.status !== 'queued',
          ),
        'all records',
      );
      expect(fixture.graph.messages.map((m) => m.payload.type)).toEqual([
        'template',
      ]);
      expect(fixture.graph.messages[0]?.payload.template).toEqual({
        name: TEMPLATE.name,
        language: { code: TEMPLATE.language, policy: 'deterministic' },
      });
      expect((await Promise.all(ids.map(record))).map((r) => r.status)).toEqual(
        ['sent', 'failed'],
      );
    });

    it('falls back to the template when Meta answers 131047', async () => {
      const channel = start();
      channel.startWorkers();
      fixture.graph.answerError(131047, 1);
      const [id] = await send(channel, [notice('again')]);
      await fixture.graph.waitForMessages(1);
      expect(fixture.graph.messages[0]?.payload.type).toBe('template');
      await waitFor(
        async () => (await record(id)).isTemplate,
        'the template record',
      );
    });
  });

  describe('when the number may send only a few messages per second', () => {
    it('spreads the sends out', async () => {
      await fixture.setWhatsappSettings({
        template: TEMPLATE,
        messagesPerSecond: 10,
      });
      const channel = start();
      channel.startWorkers();
      const started = Date.now();
      for (let i = 0; i < 15; i += 1) await send(channel, [notice(`n${i}`)]);
      await fixture.graph.waitForMessages(15);
      // 10 leave at once from a full bucket, the other 5 at 10 per second.
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(customer.inbox.map(bodyOf)).toEqual(
        Array.from({ length: 15 }, (_, i) => noticeText(`n${i}`)),
      );
    });

    // Time for `count` sends at `rate` from a full bucket of `rate` tokens.
    const impliedMs = (count: number, rate: number) =>
      ((count - rate) / rate) * 1000;

    async function setNumberRate(rate: number | null): Promise<void> {
      await fixture.services.controlPlane.db.whatsappNumber.update({
        where: { phoneNumberId: DEMO_PHONE_NUMBER_ID },
        data: { messagesPerSecond: rate },
      });
    }

    it('uses the number’s own rate before the shop’s', async () => {
      await fixture.setWhatsappSettings({
        template: TEMPLATE,
        messagesPerSecond: 1000,
      });
      await setNumberRate(4);
      try {
        const channel = start();
        channel.startWorkers();
        const started = Date.now();
        for (let i = 0; i < 10; i += 1) await send(channel, [notice(`r${i}`)]);
        await fixture.graph.waitForMessages(10);
        // At the shop's 1,000 per second this would take a few ms.
        expect(Date.now() - started).toBeGreaterThanOrEqual(
          impliedMs(10, 4) - 50,
        );
        expect(customer.inbox).toHaveLength(10);
      } finally {
        await setNumberRate(null);
      }
    });

    it('falls back to the platform default when neither has a rate', async () => {
      await fixture.setWhatsappSettings({ template: TEMPLATE });
      const channel = start({ defaultMessagesPerSecond: 5 });
      channel.startWorkers();
      const started = Date.now();
      for (let i = 0; i < 10; i += 1) await send(channel, [notice(`d${i}`)]);
      await fixture.graph.waitForMessages(10);
      expect(Date.now() - started).toBeGreaterThanOrEqual(
        impliedMs(10, 5) - 50,
      );
      expect(customer.inbox.map(bodyOf)).toEqual(
        Array.from({ length: 10 }, (_, i) => noticeText(`d${i}`)),
      );
    });
  });

  describe.each(['before-send', 'after-record'] as const)(
    'when a worker dies %s',
    (point) => {
      it('lets another worker finish the job and sends exactly once', async () => {
        const keyPrefix = fixture.newKeyPrefix();
        const locks = { lockDurationMs: 1000, stalledIntervalMs: 300 };
        const stuck = new Promise<void>(() => undefined);
        let isPaused = false;
        const dying = start({
          keyPrefix,
          ...locks,
          pauseAt: (at) => {
            if (at !== point || isPaused) return Promise.resolve();
            isPaused = true;
            return stuck;
          },
        });
        const { outbound: first } = dying.startWorkers();
        const [id] = await send(dying, [notice('once')]);
        await waitFor(
          () => isPaused,
          'the first worker to reach the pause point',
        );
        await first.close(true);
        const healthy = start({ keyPrefix, ...locks });
        healthy.startWorkers();
        await waitFor(
          async () =>
            (await healthy.outboundQueue.getJobCounts('completed'))
              .completed === 1,
          'the job to complete',
          15_000,
        );
        expect(customer.inbox.map(bodyOf)).toEqual([noticeText('once')]);
        expect((await record(id)).wamid).toBe(fixture.graph.messages[0]?.wamid);
      });
    },
  );
});
