import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';

/**
 * Computes the `X-Hub-Signature-256` value Meta sends: HMAC-SHA256 of the
 * raw body bytes keyed with the app secret. Used by tests and the bench to
 * sign payloads exactly as Meta would.
 */
export function signWebhookBody(
  body: Buffer | string,
  appSecret: string,
): string {
  return PREFIX + createHmac('sha256', appSecret).update(body).digest('hex');
}

/**
 * True when `header` is the signature of exactly these raw bytes. The bytes
 * must be the ones received: Meta signs its escaped-Unicode form, so a
 * re-serialised JSON body would not match (PROTOCOLS.md 1.2). The compare is
 * constant-time; lengths are checked first because `timingSafeEqual` throws
 * on unequal lengths.
 */
export function isValidSignature(
  rawBody: Buffer,
  header: string | undefined,
  appSecret: string,
): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const given = Buffer.from(header.slice(PREFIX.length).toLowerCase(), 'utf8');
  const expected = Buffer.from(
    createHmac('sha256', appSecret).update(rawBody).digest('hex'),
    'utf8',
  );
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
