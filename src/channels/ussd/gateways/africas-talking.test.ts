import { describe, expect, it } from 'vitest';
import { InputError } from '../../../shared/errors.ts';
import { africasTalkingGateway } from './africas-talking.ts';

const valid = {
  sessionId: 'ATUid_0f3a9c',
  serviceCode: '*120*123#',
  phoneNumber: '+27821234567',
  networkCode: '65501',
  text: '1*2',
};

function parseError(body: Record<string, unknown>): InputError {
  try {
    africasTalkingGateway.parse(body);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('parse accepted the body');
}

describe('africasTalkingGateway', () => {
  describe('parse', () => {
    it('reads every field of a callback', () => {
      expect(africasTalkingGateway.parse(valid)).toEqual({
        sessionId: 'ATUid_0f3a9c',
        serviceCode: '*120*123#',
        phone: '+27821234567',
        networkCode: '65501',
        text: '1*2',
      });
    });

    it('normalises a national number and reads a missing text as empty', () => {
      const { text: _text, networkCode: _network, ...rest } = valid;
      const request = africasTalkingGateway.parse({
        ...rest,
        phoneNumber: '0821234567',
      });
      expect(request.phone).toBe('+27821234567');
      expect(request.text).toBe('');
      expect(request.networkCode).toBeUndefined();
    });

    describe('when a required field is missing', () => {
      it.each(['sessionId', 'serviceCode', 'phoneNumber'])(
        'names %s',
        (field) => {
          const body: Record<string, unknown> = { ...valid };
          delete body[field];
          const error = parseError(body);
          expect(error.code).toBe('ussd.missing_field');
          expect(error.message).toBe(`Missing field: ${field}.`);
        },
      );
    });

    describe('when a field is malformed', () => {
      it.each([
        ['sessionId', { sessionId: 'a:b' }],
        ['sessionId', { sessionId: ['a', 'b'] }],
        ['serviceCode', { serviceCode: 'hello' }],
        ['phoneNumber', { phoneNumber: '12ab' }],
        ['text', { text: 'x'.repeat(1001) }],
      ])('names %s', (field, patch) => {
        const error = parseError({ ...valid, ...patch });
        expect(error.message).toContain(field);
        // The offending value is never echoed (it may be a phone number).
        expect(error.message).not.toContain('12ab');
      });
    });
  });

  describe('format', () => {
    it('starts a waiting screen with CON and a last one with END', () => {
      expect(
        africasTalkingGateway.format({ screen: 'Hi', isEnd: false }),
      ).toEqual({
        contentType: 'text/plain; charset=utf-8',
        body: 'CON Hi',
      });
      expect(
        africasTalkingGateway.format({ screen: 'Bye', isEnd: true }).body,
      ).toBe('END Bye');
    });
  });
});
