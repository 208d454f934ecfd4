import { redisTargetOf } from './redis-target.ts';
import { RedisTurnStore } from './redis-turn-store.ts';
import { SeparateTurnStore } from './separate-turn-store.ts';
import type { TurnStore, TurnStoreParts } from './turn-store.ts';

/**
 * The turn store for `parts`: one that runs each step as a single Lua
 * script when all three are the Redis stores on one connection and key
 * prefix (two round trips a turn instead of six), else one that calls the
 * three stores in turn (the memory twins, or any mix of backends).
 */
export function createTurnStore(parts: TurnStoreParts): TurnStore {
  const sessions = redisTargetOf(parts.sessions);
  const locks = redisTargetOf(parts.locks);
  const dedupe = redisTargetOf(parts.dedupe);
  if (
    sessions &&
    locks &&
    dedupe?.handledTtlSeconds !== undefined &&
    sessions.redis === locks.redis &&
    sessions.redis === dedupe.redis &&
    sessions.prefix === locks.prefix &&
    sessions.prefix === dedupe.prefix
  ) {
    return new RedisTurnStore({
      redis: sessions.redis,
      prefix: sessions.prefix,
      handledTtlSeconds: dedupe.handledTtlSeconds,
    });
  }
  return new SeparateTurnStore(parts);
}
