import express from 'express';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createMemoryUssdStore,
  createUssdRouter,
  encodedLength,
  type UssdResolution,
  type UssdTenantResolver,
} from '../../../src/channels/ussd/index.ts';
import {
  createTurnRunner,
  MemoryConversationLocks,
  MemoryInboundDeduplicator,
  MemorySessionStore,
} from '../../../src/engine/index.ts';
import { createLogger } from '../../../src/shared/index.ts';
import type { ResolvedTenant } from '../../../src/tenancy/tenant-context.ts';
import { createUssdTestFlow } from './ussd-test-flow.ts';

const tenant: ResolvedTenant = {
  id: 'tenant-ussd-test',
  slug: 'mama',
  name: 'Mama Thandi Spaza',
  tier: 'basic',
  status: 'active',
  shardId: 'shard-1',
  schemaName: 'tenant_x',
  defaultLanguage: 'en',
  sessionTtlSeconds: 600,
  settings: {},
};

/**
 * The codes of a tiny control plane: `*120*1#` reaches the tenant, `*120*2#`
 * is shared and knows the store code `MAMA`. (The real resolver is used in
 * the end-to-end tests over the app's composition.)
 */
const resolver: UssdTenantResolver = {
  byUssdCode: (code): Promise<UssdResolution> =>
    Promise.resolve(
      code === '*120*1#'
        ? { kind: 'tenant', tenant }
        : code === '*120*2#'
          ? { kind: 'shared', serviceCode: code }
          : { kind: 'unknown' },
    ),
  byStoreCode: (_code, store): Promise<UssdResolution> =>
    Promise.resolve(
      store.toUpperCase() === 'MAMA'
        ? { kind: 'tenant', tenant }
        : { kind: 'unknown' },
    ),
};

let effects: string[];
let app: express.Express;

beforeEach(() => {
  effects = [];
  const logger = createLogger({ level: 'silent' });
  const turnRunner = createTurnRunner({
    sessions: new MemorySessionStore(),
    locks: new MemoryConversationLocks(),
    dedupe: new MemoryInboundDeduplicator(),
    selectFlow: () => createUssdTestFlow(effects),
    runInTenant: (_id, fn) => fn(),
    loadTenant: () => Promise.resolve(tenant),
    logger,
  });
  app = express();
  app.use(
    createUssdRouter({
      resolveTenant: resolver,
      turnRunner,
      store: createMemoryUssdStore(),
      logger,
      budgetMs: 200,
    }),
  );
});

function dial(sessionId: string, text: string, serviceCode = '*120*1#') {
  return request(app).post('/ussd').type('form').send({
    sessionId,
    serviceCode,
    phoneNumber: '+27821234567',
    networkCode: '65501',
    text,
  });
}

describe('the USSD channel over the turn runner', () => {
  describe('when a long menu is shown', () => {
    it('pages it locally with 98 and 0, without a turn', async () => {
      const first = await dial('s1', '');
      expect(first.text).toMatch(/^CON Choose a product:\n1\. Product 1/);
      expect(first.text).toMatch(/\n0\. Back\n98\. More$/);
      const second = await dial('s1', '98');
      expect(second.text).not.toContain('Choose a product');
      expect(second.text).toMatch(/^CON \d+\. Product/);
      const again = await dial('s1', '98*0');
      expect(again.text).toBe(first.text);
      expect(effects).toEqual(['start']);
      for (const response of [first, second, again]) {
        expect(encodedLength(response.text.slice(4))).toBeLessThanOrEqual(160);
      }
    });

    it('takes a digit from any page as the option of that number', async () => {
      await dial('s2', '');
      await dial('s2', '98');
      await dial('s2', '98*3');
      expect(effects).toEqual(['start', 'choice prod:3']);
    });
  });

  describe('when an answer contains "*"', () => {
    it('reaches the flow whole', async () => {
      await dial('s3', '');
      const response = await dial('s3', '12*3 Vilakazi St');
      expect(response.text).toBe('CON You typed: 12*3 Vilakazi St');
      expect(effects).toEqual(['start', 'text 12*3 Vilakazi St']);
    });
  });

  describe('when the gateway sends the same request again', () => {
    it('answers the same screen and runs the turn once', async () => {
      await dial('s4', '');
      const first = await dial('s4', 'hello');
      const retry = await dial('s4', 'hello');
      expect(retry.text).toBe(first.text);
      expect(effects).toEqual(['start', 'text hello']);
    });
  });

  describe('when the flow ends', () => {
    it('answers END', async () => {
      await dial('s5', '');
      const response = await dial('s5', '1');
      expect(response.text).toBe('END Thank you, goodbye.');
    });
  });

  describe('when the turn outlives the budget', () => {
    it('answers END asking to dial again, in time, and the work completes', async () => {
      await dial('s6', '');
      const started = performance.now();
      const response = await dial('s6', '9');
      const elapsed = performance.now() - started;
      expect(response.text).toBe(
        'END Sorry, this is taking too long. Please dial again in a minute.',
      );
      expect(elapsed).toBeLessThan(200 + 100);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(effects).toContain('slow work done');
    });
  });

  describe('when the code is shared by many shops', () => {
    it('asks for the store code, then offers the last shop on the next dial', async () => {
      const ask = await dial('s7', '', '*120*2#');
      expect(ask.text).toBe(
        'CON Welcome to Wakala. Please type the shop code:',
      );
      const wrong = await dial('s7', 'NOPE', '*120*2#');
      expect(wrong.text).toBe(
        'CON Sorry, we could not find that shop code. Please type it again:',
      );
      const shop = await dial('s7', 'NOPE*mama', '*120*2#');
      expect(shop.text).toMatch(/^CON Choose a product:/);

      const next = await dial('s8', '', '*120*2#');
      expect(next.text).toBe(
        'CON Welcome back. Choose a shop:\n1. Mama Thandi Spaza\n2. Another shop',
      );
      const chosen = await dial('s8', '1', '*120*2#');
      expect(chosen.text).toMatch(/^CON Choose a product:/);
      expect(effects).toEqual(['start', 'start']);
    });
  });
});
