import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script sent by its SHA-1 (`EVALSHA`), with the full text only when
 * Redis does not know it yet (after a restart or `SCRIPT FLUSH`). Sending
 * the text with every `EVAL` costs a few hundred bytes to encode and a hash
 * on the server per call, several times per message. Not ioredis's
 * `defineCommand`, which would add methods to a connection that the
 * engine, the channels and the resolver share.
 */
export class RedisScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script on `redis` with `keys` and `args`. */
  async run(
    redis: Redis,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return await redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
