import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WhatsappChannel } from '../../../src/channels/whatsapp/index.ts';
import { FakeGraphApi } from '../../support/fake-graph-api.ts';
import { RecordingTurnRunner, startChannel, waitFor } from './pipeline.ts';
import {
  createWhatsappFixture,
  type WhatsappFixture,
} from './whatsapp-fixture.ts';
import { metaJson, textMessage, webhookPayload } from './webhook-builder.ts';

const FROM = '27821234567';

describe('WhatsApp inbound pipeline', () => {
  let fixture: WhatsappFixture;
  const graph = new FakeGraphApi();
  let runner: RecordingTurnRunner;
  let channel: WhatsappChannel;
  let jobs = 0;
  let tests = 0;
  const deliver = (payload: unknown) =>
    channel.inboundQueue.add(
      'payload',
      { body: metaJson(payload) },
      { jobId: `job-${(jobs += 1)}` },
    );

  beforeAll(async () => {
    fixture = await createWhatsappFixture('wain');
    await graph.start();
  });

  beforeEach(() => {
    graph.reset();
    runner = new RecordingTurnRunner();
    channel = startChannel(fixture, graph, runner, {
      keyPrefix: `${fixture.keyPrefix}x${(tests += 1)}`,
      mediaStore: (tenantId, mediaId, file) => {
        stored.push({ tenantId, mediaId, bytes: file.bytes.toString('utf8') });
        return Promise.resolve();
      },
    });
    channel.startWorkers();
  });

  const stored: Array<{ tenantId: string; mediaId: string; bytes: string }> =
    [];

  afterAll(async () => {
    await channel.close();
    await graph.close();
    await fixture.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const bodies = () =>
    graph.messages.map(
      (m) => (m.payload.text as { body: string } | undefined)?.body,
    );

  describe('when a text message arrives', () => {
    it('runs one turn with the wamid as id and sends its reply to the sender', async () => {
      await deliver(
        webhookPayload({
          messages: [textMessage('wamid.in1', FROM, 'hallo', now())],
        }),
      );
      await graph.waitForMessages(1);
      expect(runner.handled[0]).toMatchObject({
        id: 'wamid.in1',
        channel: 'whatsapp',
        tenantId: fixture.tenant.id,
        contact: { id: '+27821234567' },
        event: { type: 'user.text', text: 'hallo' },
      });
      expect(graph.messages[0]).toMatchObject({
        to: FROM,
        phoneNumberId: '100000000000001',
        token: 'test-access-token',
      });
      expect(bodies()).toEqual(['echo hallo']);
      await channel.close();
    });
  });

  describe('when two webhooks of one contact arrive at once in reverse order', () => {
    it('handles them and sends the replies in timestamp order', async () => {
      const t = now();
      await Promise.all([
        deliver(
          webhookPayload({
            messages: [textMessage('wamid.b', FROM, 'second', t + 1)],
          }),
        ),
        deliver(
          webhookPayload({
            messages: [textMessage('wamid.a', FROM, 'first', t)],
          }),
        ),
      ]);
      await graph.waitForMessages(2);
      expect(runner.handled.map((m) => m.id)).toEqual(['wamid.a', 'wamid.b']);
      expect(bodies()).toEqual(['echo first', 'echo second']);
      await channel.close();
    });
  });

  describe('when the same message is delivered three times', () => {
    it('has one effect and sends one reply', async () => {
      const payload = webhookPayload({
        messages: [textMessage('wamid.dup', FROM, 'once', now())],
      });
      await Promise.all([deliver(payload), deliver(payload), deliver(payload)]);
      await graph.waitForMessages(1);
      await waitFor(
        async () =>
          (await channel.inboundQueue.getJobCounts('completed')).completed ===
          3,
        'three jobs',
      );
      expect(runner.handled).toHaveLength(1);
      expect(graph.messages).toHaveLength(1);
      await channel.close();
    });
  });

  describe('when the payload is for an unknown phone_number_id', () => {
    it('processes nothing', async () => {
      const attempts = graph.sendAttempts;
      await deliver(
        webhookPayload({
          phoneNumberId: '999999999',
          messages: [textMessage('wamid.unk', FROM, 'hi', now())],
        }),
      );
      await waitFor(
        async () =>
          (await channel.inboundQueue.getJobCounts('completed')).completed ===
          1,
        'the job',
      );
      expect(runner.handled).toEqual([]);
      expect(graph.sendAttempts).toBe(attempts);
      await channel.close();
    });
  });

  describe('when a sticker arrives', () => {
    it('answers that only text, choices and locations are read', async () => {
      await deliver(
        webhookPayload({
          messages: [
            {
              id: 'wamid.st',
              from: FROM,
              timestamp: now(),
              type: 'sticker',
              sticker: { id: 'm' },
            },
          ],
        }),
      );
      await graph.waitForMessages(1);
      expect(bodies()[0]).toMatch(
        /^Sorry, I can only read text, choices and locations/,
      );
      await channel.close();
    });
  });

  describe('when an image arrives', () => {
    it('downloads it with the bearer token and passes the media id on', async () => {
      graph.addMedia('media-77', Buffer.from('jpeg-bytes'), 'image/jpeg');
      await deliver(
        webhookPayload({
          messages: [
            {
              id: 'wamid.img',
              from: FROM,
              timestamp: now(),
              type: 'image',
              image: { id: 'media-77', mime_type: 'image/jpeg' },
            },
          ],
        }),
      );
      await graph.waitForMessages(1);
      expect(stored).toEqual([
        {
          tenantId: fixture.tenant.id,
          mediaId: 'media-77',
          bytes: 'jpeg-bytes',
        },
      ]);
      expect(runner.handled[0]?.event).toEqual({
        type: 'user.media',
        mediaId: 'media-77',
        mimeType: 'image/jpeg',
      });
      await channel.close();
    });
  });

  describe('when status webhooks arrive out of order', () => {
    it('records each once and never moves the message status back', async () => {
      await deliver(
        webhookPayload({
          messages: [textMessage('wamid.s', FROM, 'status please', now())],
        }),
      );
      const [sent] = await graph.waitForMessages(1);
      await waitFor(
        async () =>
          (await fixture.db.whatsappOutboundMessage.count({
            where: { wamid: sent?.wamid ?? '' },
          })) === 1,
        'the wamid record',
      );
      const status = (s: string, ts: number) => ({
        id: sent?.wamid,
        status: s,
        timestamp: String(ts),
        recipient_id: FROM,
      });
      await deliver(
        webhookPayload({
          statuses: [status('read', now() + 2), status('delivered', now() + 1)],
        }),
      );
      await deliver(webhookPayload({ statuses: [status('read', now() + 2)] }));
      await waitFor(
        async () =>
          (await channel.inboundQueue.getJobCounts('completed')).completed ===
          3,
        'status jobs',
      );
      const row = await fixture.db.whatsappOutboundMessage.findUnique({
        where: { wamid: sent?.wamid ?? '' },
      });
      expect(row?.status).toBe('read');
      const history = await fixture.db.whatsappMessageStatus.findMany({
        where: { wamid: sent?.wamid ?? '' },
      });
      expect(history.map((h) => h.status).sort()).toEqual([
        'delivered',
        'read',
      ]);
      await channel.close();
    });
  });

  describe('when a menu has more options than a list holds', () => {
    it('answers the paging row itself with the next page', async () => {
      runner.reply = () => [
        {
          kind: 'menu',
          text: { key: 'Pick' },
          options: Array.from({ length: 14 }, (_, i) => ({
            id: `p:${i}`,
            label: { key: `Product ${i}` },
          })),
        },
      ];
      await deliver(
        webhookPayload({
          messages: [textMessage('wamid.m1', FROM, 'menu', now())],
        }),
      );
      await graph.waitForMessages(1);
      await deliver(
        webhookPayload({
          messages: [
            {
              id: 'wamid.m2',
              from: FROM,
              timestamp: now() + 1,
              type: 'interactive',
              interactive: {
                type: 'list_reply',
                list_reply: { id: 'wa.page:1', title: 'More' },
              },
            },
          ],
        }),
      );
      const [, second] = await graph.waitForMessages(2);
      const rows = (
        (
          second?.payload.interactive as {
            action: { sections: Array<{ rows: Array<{ id: string }> }> };
          }
        ).action.sections[0]?.rows ?? []
      ).map((r) => r.id);
      expect(rows).toEqual([
        'wa.page:0',
        'p:9',
        'p:10',
        'p:11',
        'p:12',
        'p:13',
      ]);
      expect(runner.handled).toHaveLength(1);
      await channel.close();
    });
  });
});
