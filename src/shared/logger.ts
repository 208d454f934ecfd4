import { createHmac } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Fields every log line inside a request or turn carries (tenant, channel,
 * turn id). The tenancy context and the turn runner fill it; the logger's
 * mixin reads it, so code deep down logs with the ids without passing them.
 */
const logFields = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs `fn` with extra fields on every log line written inside it. */
export function withLogFields<T>(
  fields: Record<string, unknown>,
  fn: () => T,
): T {
  const merged = { ...(logFields.getStore() ?? {}), ...fields };
  return logFields.run(merged, fn);
}

/** Paths that must never reach a log in clear. */
const REDACTED_PATHS = [
  'phone',
  '*.phone',
  'contact',
  '*.contact',
  'text',
  '*.text',
  'body',
  '*.body',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'apiKey',
  '*.apiKey',
  'url',
  '*.url',
  'databaseUrl',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'headers.authorization',
];

export interface CreateLoggerOptions {
  level?: string;
  /** Where lines go; tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

/** Creates the root logger; modules take `logger.child({ module })`. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: 'wakala' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: () => logFields.getStore() ?? {},
  };
  return options.destination
    ? pino(pinoOptions, options.destination)
    : pino(pinoOptions);
}

let hashKey = process.env.WAKALA_SECRET_KEY ?? 'wakala-development-only';

/** Sets the key used by `hashPhone`; the app calls it once at start-up. */
export function setPhoneHashKey(key: string): void {
  hashKey = key;
}

/**
 * A keyed hash of a phone number (or any contact id) that is safe to log:
 * the same number always gives the same short value, so an on-call person
 * can follow one contact through the logs without seeing the number.
 */
export function hashPhone(phone: string): string {
  return createHmac('sha256', hashKey).update(phone).digest('hex').slice(0, 16);
}
