import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from '../support/services.ts';
import { openLiveShop, type LiveShop } from './live-shop.ts';
import { parseTranscript } from './transcript-format.ts';
import { TranscriptPlayer } from './transcript-player.ts';

const SCRIPTS = new URL('./scripts/', import.meta.url);

/** Every `scripts/*.chat` file, read and parsed before any test runs. */
const transcripts = readdirSync(SCRIPTS)
  .filter((file) => file.endsWith('.chat'))
  .sort()
  .map((file) =>
    parseTranscript(
      file.replace(/\.chat$/, ''),
      readFileSync(new URL(file, SCRIPTS), 'utf8'),
    ),
  );

describe('customer transcripts on PostgreSQL and Redis', () => {
  let shop: LiveShop;

  beforeAll(async () => {
    shop = await openLiveShop({
      postgresUrl: TEST_POSTGRES_URL,
      redisUrl: TEST_REDIS_URL,
      label: 'transcripts',
    });
  }, 60_000);

  afterAll(async () => {
    await shop?.close();
  });

  it('finds the transcripts', ({ expect }) => {
    expect(transcripts.length).toBeGreaterThanOrEqual(7);
  });

  for (const transcript of transcripts) {
    describe(`when ${transcript.name.replaceAll('-', ' ')}`, () => {
      it('answers as the transcript says', async () => {
        await new TranscriptPlayer(shop, transcript).play();
      }, 30_000);
    });
  }
});
