import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import {
  createServices,
  type Services,
} from '../../src/app/create-services.ts';
import { createApp } from '../../src/app/http/create-app.ts';
import {
  signWebhookBody,
  type InProcessWhatsappChannel,
} from '../../src/channels/whatsapp/index.ts';
import { createLogger } from '../../src/shared/index.ts';
import {
  DEMO_PHONE_NUMBER_ID,
  metaJson,
  textMessage,
  webhookPayload,
} from '../channels/whatsapp/webhook-builder.ts';
import {
  FakeGraphApi,
  type RecordedMessage,
} from '../support/fake-graph-api.ts';

// The values README.md ("Try it") tells a newcomer to use.
const DEMO_APP_SECRET = 'demo-app-secret';
const DEMO_VERIFY_TOKEN = 'demo-verify-token';
const CUSTOMER = '27825550001';

/** A Meta-shaped payload (PROTOCOLS.md 1.4) with one text message. */
function textPayload(wamid: string, text: string): string {
  const sentAt = Math.floor(Date.now() / 1000);
  return metaJson(
    webhookPayload({
      phoneNumberId: DEMO_PHONE_NUMBER_ID,
      messages: [textMessage(wamid, CUSTOMER, text, sentAt)],
    }),
  );
}

function listRowIds(message: RecordedMessage | undefined): string[] {
  const interactive = message?.payload.interactive as
    | { action?: { sections?: Array<{ rows?: Array<{ id: string }> }> } }
    | undefined;
  return (interactive?.action?.sections ?? []).flatMap((section) =>
    (section.rows ?? []).map((row) => row.id),
  );
}

/** Resolves once neither queue has a job waiting, delayed or running. */
async function settled(channel: InProcessWhatsappChannel): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const counts = await Promise.all(
      [channel.inboundQueue, channel.outboundQueue].map((queue) =>
        queue.getJobCounts('waiting', 'active', 'delayed'),
      ),
    );
    const pending = counts.flatMap((c) => Object.values(c));
    if (pending.every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error('queues did not settle');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the embedded default’s WhatsApp webhook', () => {
  const graph = new FakeGraphApi();
  const logLines: Array<{ msg?: string; settings?: string[] }> = [];
  let services: Services;
  let channel: InProcessWhatsappChannel;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    await graph.start();
    // No DATABASE_URL, no REDIS_URL, no WhatsApp secrets: what `npm start`
    // sees on a fresh machine, with replies sent to the local stand-in.
    const config = loadConfig({ WHATSAPP_GRAPH_URL: graph.url });
    const logger = createLogger({
      level: 'info',
      destination: {
        write: (line: string) => {
          logLines.push(JSON.parse(line) as (typeof logLines)[number]);
        },
      },
    });
    services = await createServices({ config, logger });
    if (!services.inProcessWhatsapp) {
      throw new Error('the embedded default built no WhatsApp channel');
    }
    channel = services.inProcessWhatsapp;
    channel.startWorkers();
    app = createApp({ logger, routers: services.routers, isReady: () => true });
  });

  afterAll(async () => {
    await services?.close();
    await graph.close();
  });

  /** Posts `body` as Meta would, signed with the demo app secret. */
  function postSigned(body: string) {
    return request(app)
      .post('/webhooks/whatsapp')
      .set('content-type', 'application/json')
      .set('x-hub-signature-256', signWebhookBody(body, DEMO_APP_SECRET))
      .send(body);
  }

  it('runs without Redis and logs once that it uses the demo values', () => {
    expect(services.redis).toBeNull();
    expect(services.whatsapp).toBeNull();
    const notices = logLines.filter((line) =>
      line.msg?.startsWith('whatsapp webhook uses the embedded demo values'),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.settings).toEqual([
      'WHATSAPP_APP_SECRET',
      'WHATSAPP_VERIFY_TOKEN',
    ]);
  });

  it('answers Meta’s verification with the demo verify token', async () => {
    const res = await request(app).get('/webhooks/whatsapp').query({
      'hub.mode': 'subscribe',
      'hub.verify_token': DEMO_VERIFY_TOKEN,
      'hub.challenge': 'challenge-123',
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('challenge-123');
  });

  describe('when a first message arrives signed with the demo secret', () => {
    const body = textPayload('wamid.embedded-1', 'Sawubona');

    it('sends the language list to the Graph API', async () => {
      const res = await postSigned(body);
      expect(res.status).toBe(200);
      const [first] = await graph.waitForMessages(1, 20_000);
      expect(graph.violations).toEqual([]);
      expect(first).toMatchObject({
        to: CUSTOMER,
        phoneNumberId: DEMO_PHONE_NUMBER_ID,
        token: 'demo-access-token',
      });
      expect(listRowIds(first).sort()).toEqual(
        ['lang:af', 'lang:en', 'lang:st', 'lang:xh', 'lang:zu'].sort(),
      );
    });

    it('sends no second reply when Meta delivers it again', async () => {
      await settled(channel);
      const before = graph.messages.length;
      const res = await postSigned(body);
      expect(res.status).toBe(200);
      // Longer than the inbound ordering grace, so a second turn would
      // have sent by now.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await settled(channel);
      expect(graph.messages.length).toBe(before);
      expect(await channel.inboundQueue.getJobCounts('completed')).toEqual({
        completed: 1,
      });
    });
  });

  describe('when a post is not signed', () => {
    it('refuses it with 401 and queues nothing', async () => {
      const body = textPayload('wamid.embedded-unsigned', 'Hi');
      const res = await request(app)
        .post('/webhooks/whatsapp')
        .set('content-type', 'application/json')
        .send(body);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        error: { code: 'whatsapp.signature_invalid' },
      });
      expect(await channel.inboundQueue.getJobCounts()).toMatchObject({
        waiting: 0,
        active: 0,
        completed: 1,
      });
    });
  });
});

describe('loadConfig’s WhatsApp demo values', () => {
  describe('when DATABASE_URL and REDIS_URL are set', () => {
    it('leaves the channel off without its settings', () => {
      const config = loadConfig({
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/wakala',
        REDIS_URL: 'redis://127.0.0.1:6379',
        WAKALA_SECRET_KEY: 'embedded-whatsapp-test-secret-key-0123456789',
      });
      expect(config.whatsapp).toBeNull();
      expect(config.whatsappDemoSettings).toEqual([]);
    });
  });

  describe('when the embedded default has one setting of its own', () => {
    it('keeps it and takes the demo value only for the other', () => {
      const config = loadConfig({ WHATSAPP_APP_SECRET: 'my-own-app-secret' });
      expect(config.whatsapp).toMatchObject({
        appSecret: 'my-own-app-secret',
        verifyToken: DEMO_VERIFY_TOKEN,
      });
      expect(config.whatsappDemoSettings).toEqual(['WHATSAPP_VERIFY_TOKEN']);
    });
  });
});
