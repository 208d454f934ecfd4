import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  createMemoryUssdStore,
  createUssdRouter,
  type UssdTenantResolver,
} from '../../../src/channels/ussd/index.ts';
import type { TurnRunner } from '../../../src/engine/index.ts';
import { createLogger } from '../../../src/shared/index.ts';

const PHONE = '+27821234567';

/** These requests must never reach a turn: the runner refuses to run. */
const refusingRunner: TurnRunner = {
  handle() {
    return Promise.reject(new Error('a malformed request reached the engine'));
  },
};

/** Knows no service code at all, like an empty control plane. */
const emptyResolver: UssdTenantResolver = {
  byUssdCode: () => Promise.resolve({ kind: 'unknown' }),
  byStoreCode: () => Promise.resolve({ kind: 'unknown' }),
};

function createTestApp() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = express();
  app.use(
    createUssdRouter({
      resolveTenant: emptyResolver,
      turnRunner: refusingRunner,
      store: createMemoryUssdStore(),
      logger: createLogger({ level: 'info', destination }),
    }),
  );
  return { app, lines };
}

const form = {
  sessionId: 'ATUid_1',
  serviceCode: '*120*999#',
  phoneNumber: PHONE,
  networkCode: '65501',
  text: '',
};

describe('createUssdRouter', () => {
  describe('when the content type is not form data', () => {
    it('answers 415 naming the expected type', async () => {
      const { app } = createTestApp();
      const response = await request(app)
        .post('/ussd')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(form));
      expect(response.status).toBe(415);
      expect(response.text).toBe(
        'Content-Type must be application/x-www-form-urlencoded.',
      );
    });

    it('answers 415 when there is no content type at all', async () => {
      const { app } = createTestApp();
      const response = await request(app).post('/ussd');
      expect(response.status).toBe(415);
    });
  });

  describe('when the body is too large', () => {
    it('answers 413', async () => {
      const { app } = createTestApp();
      const response = await request(app)
        .post('/ussd')
        .type('form')
        .send({ ...form, text: 'x'.repeat(4000) });
      expect(response.status).toBe(413);
      expect(response.text).toBe('Request body is larger than 2kb.');
    });
  });

  describe('when a field is missing', () => {
    it.each(['sessionId', 'serviceCode', 'phoneNumber'])(
      'answers 400 naming %s',
      async (field) => {
        const { app } = createTestApp();
        const body: Record<string, string> = { ...form };
        delete body[field];
        const response = await request(app)
          .post('/ussd')
          .type('form')
          .send(body);
        expect(response.status).toBe(400);
        expect(response.text).toBe(`Missing field: ${field}.`);
      },
    );
  });

  describe('when a field is malformed', () => {
    it('answers 400 naming the field', async () => {
      const { app } = createTestApp();
      const response = await request(app)
        .post('/ussd')
        .type('form')
        .send({ ...form, phoneNumber: 'not-a-number' });
      expect(response.status).toBe(400);
      expect(response.text).toMatch(/^Field phoneNumber must be/);
    });

    it('answers 400 to a field sent twice', async () => {
      const { app } = createTestApp();
      const response = await request(app)
        .post('/ussd')
        .type('form')
        .send(
          'sessionId=a&sessionId=b&serviceCode=*1%23&phoneNumber=%2B27821234567',
        );
      expect(response.status).toBe(400);
      expect(response.text).toBe(
        'Field sessionId must be sent once, as a single value.',
      );
    });
  });

  describe('when the service code is unknown', () => {
    it('answers 200 with a polite END screen in English', async () => {
      const { app, lines } = createTestApp();
      const response = await request(app).post('/ussd').type('form').send(form);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.text).toBe(
        'END Sorry, this USSD code is not in use. Please check the number and dial again.',
      );
      const logged = lines.join('');
      expect(logged).toContain('ussd unknown service code');
      expect(logged).toContain('contactHash');
      expect(logged).not.toContain('821234567');
    });
  });

  describe('when requests are refused', () => {
    it('logs each without the phone number in clear', async () => {
      const { app, lines } = createTestApp();
      await request(app)
        .post('/ussd')
        .set('Content-Type', 'text/plain')
        .send(`phoneNumber=${PHONE}`);
      await request(app)
        .post('/ussd')
        .type('form')
        .send({ phoneNumber: PHONE });
      expect(
        lines.filter((line) => line.includes('ussd request refused')),
      ).toHaveLength(2);
      expect(lines.join('')).not.toContain('821234567');
    });
  });
});
