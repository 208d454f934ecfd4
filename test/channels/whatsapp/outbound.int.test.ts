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
import type { Reply } from '../../../src/flows/reply.ts';
import { FakeGraphApi } from '../../support/fake-graph-api.ts';
import { RecordingTurnRunner, startChannel, waitFor } from './pipeline.ts';
import {
  createWhatsappFixture,
  type WhatsappFixture,
} from './whatsapp-fixture.ts';
import { DEMO_PHONE_NUMBER_ID } from './webhook-builder.ts';

const text = (key: string): Reply => ({ kind: 'text', text: { key } });

describe('WhatsApp outbound sending', () => {
  let fixture: WhatsappFixture;
  const graph = new FakeGraphApi();
  const channels: WhatsappChannel[] = [];
  let prefix = '';
  let tests = 0;
  let contactId = '';

  beforeAll(async () => {
    fixture = await createWhatsappFixture('waout');
    await graph.start();
  });

  beforeEach(async () => {
    graph.reset();
    tests += 1;
    prefix = `${fixture.keyPrefix}o${tests}`;
    contactId = `+2782000${String(tests).padStart(4, '0')}`;
    fixture.tenant.settings = {
      whatsapp: { template: { name: 'order_update', language: 'en' } },
    };
    await fixture.db.whatsappContactWindow.create({
      data: { contactId, lastInboundAt: new Date() },
    });
  });

  afterEach(async () => {
    await Promise.all(channels.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await graph.close();
    await fixture.close();
  });

  function start(
    overrides: Parameters<typeof startChannel>[3] = {},
  ): WhatsappChannel {
    const channel = startChannel(fixture, graph, new RecordingTurnRunner(), {
      keyPrefix: prefix,
      ...overrides,
    });
    channels.push(channel);
    return channel;
  }

  const send = (channel: WhatsappChannel, replies: Reply[], turnId?: string) =>
    channel.sendReplies({
      tenantId: fixture.tenant.id,
      phoneNumberId: DEMO_PHONE_NUMBER_ID,
      contactId,
      language: 'en',
      replies,
      ...(turnId ? { turnId } : {}),
    });
  const record = (id: string) =>
    fixture.db.whatsappOutboundMessage.findUniqueOrThrow({ where: { id } });

  describe('when Meta answers 130429 twice and then accepts', () => {
    it('delivers the message once after two retries', async () => {
      const channel = start();
      channel.startWorkers();
      graph.answerError(130429, 2);
      const [id] = await send(channel, [text('Your order is ready')]);
      await graph.waitForMessages(1);
      await waitFor(
        async () => (await record(id ?? '')).status === 'sent',
        'the sent record',
      );
      expect(graph.sendAttempts).toBe(3);
      expect(graph.messages).toHaveLength(1);
      expect(await record(id ?? '')).toMatchObject({
        attempts: 3,
        wamid: graph.messages[0]?.wamid,
      });
    });
  });

  describe('when Meta answers 131026', () => {
    it('records the failure and does not retry', async () => {
      const channel = start();
      const { outbound } = channel.startWorkers();
      graph.answerError(131026, 5);
      const [id] = await send(channel, [text('Hello')]);
      await waitFor(
        async () => (await record(id ?? '')).status === 'failed',
        'the failed record',
      );
      await waitFor(
        async () =>
          (await channel.outboundQueue.getJobCounts('failed')).failed === 1,
        'the failed job',
      );
      expect(await record(id ?? '')).toMatchObject({
        errorCode: 131026,
        wamid: null,
      });
      expect(graph.sendAttempts).toBe(1);
      expect(outbound).toBeDefined();
    });
  });

  describe('when the 24-hour window is closed', () => {
    it('sends the tenant template once and drops the rest of the closed window', async () => {
      await fixture.db.whatsappContactWindow.update({
        where: { contactId },
        data: { lastInboundAt: new Date(Date.now() - 25 * 3600_000) },
      });
      const channel = start();
      channel.startWorkers();
      const ids = await send(channel, [
        text('Paid'),
        {
          kind: 'menu',
          text: { key: 'Next?' },
          options: [{ id: 'a', label: { key: 'A' } }],
        },
        text('later'),
      ]);
      await waitFor(
        async () =>
          (await Promise.all(ids.map(record))).every(
            (r) => r.status !== 'queued',
          ),
        'all records',
      );
      expect(graph.messages.map((m) => m.payload.type)).toEqual(['template']);
      expect(graph.messages[0]?.payload.template).toEqual({
        name: 'order_update',
        language: { code: 'en', policy: 'deterministic' },
      });
      expect((await Promise.all(ids.map(record))).map((r) => r.status)).toEqual(
        ['sent', 'failed'],
      );
    });

    it('falls back to the template when Meta answers 131047', async () => {
      const channel = start();
      channel.startWorkers();
      graph.answerError(131047, 1);
      const [id] = await send(channel, [text('Hello again')]);
      await graph.waitForMessages(1);
      expect(graph.messages[0]?.payload.type).toBe('template');
      await waitFor(
        async () => (await record(id ?? '')).isTemplate,
        'the template record',
      );
    });
  });

  describe('when the number may send only a few messages per second', () => {
    it('spreads the sends out', async () => {
      fixture.tenant.settings = { whatsapp: { messagesPerSecond: 10 } };
      const channel = start();
      channel.startWorkers();
      const started = Date.now();
      for (let i = 0; i < 15; i += 1) await send(channel, [text(`burst ${i}`)]);
      await graph.waitForMessages(15);
      // 10 leave at once from a full bucket, the other 5 at 10 per second.
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(
        graph.messages.map((m) => (m.payload.text as { body: string }).body),
      ).toEqual(Array.from({ length: 15 }, (_, i) => `burst ${i}`));
    });
  });

  describe.each(['before-send', 'after-record'] as const)(
    'when a worker dies %s',
    (point) => {
      it('lets another worker finish the job and sends exactly once', async () => {
        const stuck = new Promise<void>(() => undefined);
        let paused = false;
        const dying = start({
          lockDurationMs: 1000,
          stalledIntervalMs: 300,
          pauseAt: (at) => {
            if (at !== point || paused) return Promise.resolve();
            paused = true;
            return stuck;
          },
        });
        const { outbound: first } = dying.startWorkers();
        const [id] = await send(dying, [text('exactly once')]);
        await waitFor(
          () => paused,
          'the first worker to reach the pause point',
        );
        await first.close(true);
        const healthy = start({ lockDurationMs: 1000, stalledIntervalMs: 300 });
        healthy.startWorkers();
        await waitFor(
          async () =>
            (await healthy.outboundQueue.getJobCounts('completed'))
              .completed === 1,
          'the job to complete',
          15_000,
        );
        expect(graph.messages).toHaveLength(1);
        expect((await record(id ?? '')).wamid).toBe(graph.messages[0]?.wamid);
      });
    },
  );
});
