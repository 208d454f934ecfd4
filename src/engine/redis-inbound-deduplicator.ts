import type { Redis } from 'ioredis';
import { EngineKeys, type ConversationKey } from './keys.ts';
import { registerRedisTarget } from './redis-target.ts';
import {
  DEFAULT_HANDLED_TTL_SECONDS,
  parseHandledTurn,
  type HandledTurn,
  type InboundDeduplicator,
} from './inbound-deduplicator.ts';

export interface RedisInboundDeduplicatorOptions {
  redis: Redis;
  /** First segment of every key; tests use a random one. */
  prefix?: string;
  /** How long a handled id is remembered; seven days unless given. */
  ttlSeconds?: number;
}

/**
 * Handled message ids in Redis, one key each holding the turn's answer as
 * JSON (`SET key answer NX EX`), remembered for `ttlSeconds`. Costs about
 * 100 bytes plus the replies (a few hundred bytes) per message.
 */
export class RedisInboundDeduplicator implements InboundDeduplicator {
  private readonly redis: Redis;
  private readonly keys: EngineKeys;
  private readonly ttlSeconds: number;

  constructor(options: RedisInboundDeduplicatorOptions) {
    this.redis = options.redis;
    this.keys = new EngineKeys(options.prefix);
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_HANDLED_TTL_SECONDS;
    registerRedisTarget(this, {
      redis: this.redis,
      prefix: this.keys.prefix,
      handledTtlSeconds: this.ttlSeconds,
    });
  }

  async findHandled(
    conversation: ConversationKey,
    messageId: string,
  ): Promise<HandledTurn | undefined> {
    const raw = await this.redis.get(
      this.keys.handled(conversation, messageId),
    );
    return raw === null ? undefined : parseHandledTurn(raw);
  }

  async markHandled(
    conversation: ConversationKey,
    messageId: string,
    turn: HandledTurn,
  ): Promise<boolean> {
    const set = await this.redis.set(
      this.keys.handled(conversation, messageId),
      JSON.stringify(turn),
      'EX',
      this.ttlSeconds,
      'NX',
    );
    return set === 'OK';
  }
}
