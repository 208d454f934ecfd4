import { describe, expect, it } from 'vitest';
import { isValidSignature, signWebhookBody } from './signature.ts';

const SECRET = 'app-secret-for-tests';
// Meta signs the bytes it sends, which escape non-ASCII as \uXXXX.
const BODY = Buffer.from('{"text":"Ngiyabonga \\u2014 \\u00f1"}', 'utf8');

describe('isValidSignature', () => {
  describe('when the signature was made over the same bytes', () => {
    it('accepts it', () => {
      expect(
        isValidSignature(BODY, signWebhookBody(BODY, SECRET), SECRET),
      ).toBe(true);
    });

    it('accepts upper-case hex', () => {
      const hex = signWebhookBody(BODY, SECRET).slice('sha256='.length);
      expect(
        isValidSignature(BODY, `sha256=${hex.toUpperCase()}`, SECRET),
      ).toBe(true);
    });
  });

  describe('when the signature is wrong or missing', () => {
    it('refuses a signature made with another secret', () => {
      expect(
        isValidSignature(BODY, signWebhookBody(BODY, 'other-secret'), SECRET),
      ).toBe(false);
    });

    it('refuses a missing header', () => {
      expect(isValidSignature(BODY, undefined, SECRET)).toBe(false);
    });

    it('refuses a header without the sha256= prefix', () => {
      expect(
        isValidSignature(BODY, signWebhookBody(BODY, SECRET).slice(7), SECRET),
      ).toBe(false);
    });

    it('refuses a truncated signature without throwing', () => {
      expect(
        isValidSignature(
          BODY,
          signWebhookBody(BODY, SECRET).slice(0, 20),
          SECRET,
        ),
      ).toBe(false);
    });
  });

  describe('when the body changed after signing', () => {
    it('refuses the same JSON re-serialised with raw non-ASCII characters', () => {
      const header = signWebhookBody(BODY, SECRET);
      const reserialised = Buffer.from(
        JSON.stringify(JSON.parse(BODY.toString('utf8'))),
        'utf8',
      );
      expect(reserialised.toString('utf8')).toContain('Ngiyabonga — ñ');
      expect(isValidSignature(reserialised, header, SECRET)).toBe(false);
    });

    it('refuses one changed byte', () => {
      const header = signWebhookBody(BODY, SECRET);
      const changed = Buffer.from(BODY);
      changed[5] = 0x58;
      expect(isValidSignature(changed, header, SECRET)).toBe(false);
    });
  });
});
