import { Redis } from 'ioredis';
import { createLogger } from '../../shared/logger.ts';
import {
  createTenantResolver,
  DEFAULT_RESOLVER_PREFIX,
  type ControlPlane,
  type ResolutionInvalidator,
} from '../../tenancy/index.ts';
import type { CommandIo } from './command-io.ts';

export const CACHE_NOT_INVALIDATED =
  'REDIS_URL is not set: no resolution cache was invalidated; cached entries expire within their ttl.';

/** An invalidator of the running processes' resolution cache. */
export interface OpenInvalidator {
  invalidator: ResolutionInvalidator;
  close(): void;
}

/**
 * A resolver used only to invalidate the resolution cache that running
 * processes share in Redis (keys under WAKALA_REDIS_PREFIX, default
 * `wakala`), so a command's change is seen at once instead of after the
 * cached answer expires. Without REDIS_URL there is no shared cache to
 * clear: undefined, and the caller prints `CACHE_NOT_INVALIDATED` once its
 * own output is done.
 */
export function openInvalidator(
  cp: ControlPlane,
  io: CommandIo,
): OpenInvalidator | undefined {
  const url = io.env.REDIS_URL;
  if (!url) return undefined;
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  const invalidator = createTenantResolver({
    controlPlane: cp,
    redis,
    keyPrefix: io.env.WAKALA_REDIS_PREFIX ?? DEFAULT_RESOLVER_PREFIX,
    logger: createLogger({ level: 'silent' }),
  });
  return { invalidator, close: () => redis.disconnect() };
}
