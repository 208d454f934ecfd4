import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  captureLogs,
  startUssdApp,
  type CapturedLogs,
  type UssdApp,
} from './ussd-app-fixture.ts';

const PHONE = '+27821234567';
/** The number as it would appear in a log line if it leaked. */
const PHONE_DIGITS = '821234567';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A well-formed callback, to one code or another; tests break it. */
function callback(fields: Record<string, string> = {}): Record<string, string> {
  return {
    sessionId: 'ATUid_router_1',
    serviceCode: '*120*999#',
    phoneNumber: PHONE,
    networkCode: '65501',
    text: '',
    ...fields,
  };
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/**
 * The router's answers to requests a gateway should not send, over the real
 * app: the demo shop's control plane, the real resolver and turn runner.
 */
describe('POST /ussd', () => {
  let ussd: UssdApp;
  let logs: CapturedLogs;

  beforeAll(async () => {
    logs = captureLogs('info');
    ussd = await startUssdApp({ logger: logs.logger });
  });

  afterAll(async () => {
    await ussd.close();
  });

  beforeEach(() => {
    logs.clear();
  });

  /** Lines of the turn runner: a refused request must never start a turn. */
  function engineLines() {
    return logs.records().filter((record) => record.module === 'engine');
  }

  describe('when the request is well formed', () => {
    // The control for every "no engine line" below: a turn does log.
    it('runs one turn of the shop flow', async () => {
      const answer = await ussd.send(
        form(
          callback({
            sessionId: 'ATUid_router_ok',
            serviceCode: ussd.serviceCode,
          }),
        ),
        FORM_TYPE,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatch(/^CON Choose your language:/);
      expect(
        engineLines().filter((record) => record.msg === 'turn completed'),
      ).toHaveLength(1);
    });
  });

  describe('when the content type is not form data', () => {
    it('answers 415 naming the expected type', async () => {
      const answer = await ussd.send(
        JSON.stringify(callback({ serviceCode: ussd.serviceCode })),
        'application/json',
      );
      expect(answer.status).toBe(415);
      expect(answer.body).toBe(`Content-Type must be ${FORM_TYPE}.`);
      expect(engineLines()).toEqual([]);
    });

    it('answers 415 when there is no content type at all', async () => {
      const answer = await ussd.send('');
      expect(answer.status).toBe(415);
      expect(answer.body).toBe(`Content-Type must be ${FORM_TYPE}.`);
    });
  });

  describe('when the body is too large', () => {
    it('answers 413', async () => {
      const answer = await ussd.send(
        form(
          callback({ serviceCode: ussd.serviceCode, text: 'x'.repeat(4000) }),
        ),
        FORM_TYPE,
      );
      expect(answer.status).toBe(413);
      expect(answer.body).toBe('Request body is larger than 2kb.');
      expect(engineLines()).toEqual([]);
    });
  });

  describe('when a field is missing', () => {
    it.each(['sessionId', 'serviceCode', 'phoneNumber'])(
      'answers 400 naming %s',
      async (field) => {
        const fields = callback({ serviceCode: ussd.serviceCode });
        delete fields[field];
        const answer = await ussd.send(form(fields), FORM_TYPE);
        expect(answer.status).toBe(400);
        expect(answer.body).toBe(`Missing field: ${field}.`);
        expect(engineLines()).toEqual([]);
      },
    );
  });

  describe('when a field is malformed', () => {
    it('answers 400 naming the field', async () => {
      const answer = await ussd.send(
        form(
          callback({
            serviceCode: ussd.serviceCode,
            phoneNumber: 'not-a-number',
          }),
        ),
        FORM_TYPE,
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toMatch(/^Field phoneNumber must be/);
      expect(engineLines()).toEqual([]);
    });

    it('answers 400 to a field sent twice', async () => {
      const code = encodeURIComponent(ussd.serviceCode);
      const answer = await ussd.send(
        `sessionId=a&sessionId=b&serviceCode=${code}&phoneNumber=%2B27821234567`,
        FORM_TYPE,
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toBe(
        'Field sessionId must be sent once, as a single value.',
      );
      expect(engineLines()).toEqual([]);
    });
  });

  describe('when the service code reaches no shop', () => {
    it('answers 200 with a polite END screen in English', async () => {
      const answer = await ussd.send(form(callback()), FORM_TYPE);
      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(/^text\/plain/);
      expect(answer.body).toBe(
        'END Sorry, this USSD code is not in use. Please check the number and dial again.',
      );
      expect(engineLines()).toEqual([]);
    });

    it('logs the code with a hash of the contact, never the number', async () => {
      await ussd.send(form(callback()), FORM_TYPE);
      const unknown = logs
        .records()
        .filter((record) => record.msg === 'ussd unknown service code');
      expect(unknown).toHaveLength(1);
      expect(unknown[0]?.serviceCode).toBe('*120*999#');
      expect(unknown[0]?.contactHash).toMatch(/^[0-9a-f]{16}$/);
      expect(logs.text()).not.toContain(PHONE_DIGITS);
    });
  });

  describe('when requests are refused', () => {
    it('logs each without the phone number in clear', async () => {
      await ussd.send(`phoneNumber=${PHONE}`, 'text/plain');
      await ussd.send(form({ phoneNumber: PHONE }), FORM_TYPE);
      const refused = logs
        .records()
        .filter((record) => record.msg === 'ussd request refused');
      expect(refused.map((record) => record.reason)).toEqual([
        'content_type',
        'ussd.missing_field',
      ]);
      expect(logs.text()).not.toContain(PHONE_DIGITS);
    });
  });
});
