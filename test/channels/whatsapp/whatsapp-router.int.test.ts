import express from 'express';
import request from 'supertest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createWhatsappRouter,
  signWebhookBody,
  type InboundJobData,
} from '../../../src/channels/whatsapp/index.ts';
import { TEST_REDIS_URL, uniqueSuffix } from '../../support/services.ts';
import { quietLogger } from './quiet-logger.ts';
import { metaJson, textMessage, webhookPayload } from './webhook-builder.ts';

const SECRET = 'router-test-secret';
const VERIFY = 'router-verify-token';

describe('createWhatsappRouter', () => {
  const prefix = `test${uniqueSuffix()}`;
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  let queue: Queue<InboundJobData>;
  let app: express.Express;

  beforeAll(() => {
    queue = new Queue<InboundJobData>('whatsapp-inbound', {
      connection,
      prefix,
    });
    app = express();
    app.use(
      createWhatsappRouter({
        appSecret: SECRET,
        verifyToken: VERIFY,
        inboundQueue: queue,
        logger: quietLogger,
      }),
    );
  });

  beforeEach(async () => {
    await queue.obliterate({ force: true });
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    const keys = await connection.keys(`${prefix}*`);
    if (keys.length > 0) await connection.del(...keys);
    connection.disconnect();
  });

  const body = metaJson(
    webhookPayload({
      messages: [
        textMessage('wamid.r1', '27821234567', 'Ngiyabonga — ñ', 1_700_000_000),
      ],
    }),
  );
  const post = (raw: string, signature?: string) => {
    const req = request(app)
      .post('/webhooks/whatsapp')
      .set('content-type', 'application/json');
    return (
      signature === undefined ? req : req.set('x-hub-signature-256', signature)
    ).send(raw);
  };

  describe('when Meta verifies the endpoint', () => {
    it('answers the challenge when the token matches', async () => {
      const res = await request(app).get('/webhooks/whatsapp').query({
        'hub.mode': 'subscribe',
        'hub.verify_token': VERIFY,
        'hub.challenge': '1158201444',
      });
      expect(res.status).toBe(200);
      expect(res.text).toBe('1158201444');
    });

    it('refuses a wrong token with 403', async () => {
      const res = await request(app).get('/webhooks/whatsapp').query({
        'hub.mode': 'subscribe',
        'hub.verify_token': 'nope',
        'hub.challenge': '1',
      });
      expect(res.status).toBe(403);
    });
  });

  describe('when a payload is signed correctly', () => {
    it('queues it and answers 200', async () => {
      const res = await post(body, signWebhookBody(body, SECRET));
      expect(res.status).toBe(200);
      const jobs = await queue.getJobs(['waiting']);
      expect(jobs.map((j) => j.data.body)).toEqual([body]);
    });

    it('queues a payload delivered three times only once', async () => {
      for (let i = 0; i < 3; i += 1)
        expect((await post(body, signWebhookBody(body, SECRET))).status).toBe(
          200,
        );
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    });
  });

  describe('when the signature does not hold', () => {
    it.each([
      ['a bad signature', () => signWebhookBody(body, 'wrong-secret')],
      ['a missing signature', () => undefined],
      [
        'a body changed after signing',
        () =>
          signWebhookBody(body.replace('Ngiyabonga', 'Ngiyabonga!'), SECRET),
      ],
      [
        'a signature over the unescaped text',
        () => signWebhookBody(body.replace('\\u2014 \\u00f1', '— ñ'), SECRET),
      ],
    ])('refuses %s with 401 and queues nothing', async (_, signature) => {
      const res = await post(body, signature());
      expect(res.status).toBe(401);
      expect((res.body as { error: { code: string } }).error.code).toBe(
        'whatsapp.signature_invalid',
      );
      expect(await queue.count()).toBe(0);
    });
  });
});
