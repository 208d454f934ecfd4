import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodedLength, isGsm7 } from '../../../src/channels/ussd/index.ts';
import { LANGUAGES } from '../../../src/i18n/index.ts';
import { walkScreens } from './screen-walker.ts';
import { startUssdApp, type UssdApp } from './ussd-app-fixture.ts';

/**
 * Acceptance 1 of the USSD issue: every screen reachable over /ussd, in
 * every language, fits the limit and starts with CON or END. The paths come
 * from the flows' own answers (breadth first over the numbered options),
 * starting at the language menu, so each language is explored.
 */
describe('every USSD screen', () => {
  let ussd: UssdApp;
  const screens: Array<{ path: readonly string[]; body: string }> = [];

  beforeAll(async () => {
    // The budget has its own test (slow database); here a turn slowed by a
    // loaded machine must not end a path early and hide what lies beyond.
    ussd = await startUssdApp({ budgetMs: 15_000 });
    // Paths run at once and in no fixed order, so which product each
    // language happens to order first varies; with ample stock no language's
    // order can fail because another language bought the last units first.
    // The sold-out item stays sold out, so its screen is still walked.
    await ussd.services.controlPlane.pool.query(
      `UPDATE "${ussd.tenant.schemaName}".products
          SET stock_quantity = 100000 WHERE stock_quantity > 0`,
    );
  });

  afterAll(async () => {
    await ussd.close();
  });

  it('fits 160 GSM-7 characters and starts with CON or END', async () => {
    const summary = await walkScreens({
      dial: ({ sessionId, phone }, text) => ussd.dial(sessionId, phone, text),
      // Quantity, search words and an address: what typed screens ask for.
      freeTextInputs: ['2', 'bread', '12 Vilakazi Street, Orlando West'],
      // Deep enough for a delivery order: language, consent, shop, category,
      // product, add, quantity, cart, checkout, address, summary, confirm.
      maxDepth: 14,
      maxScreens: 2000,
      concurrency: 6,
      onScreen: (path, body) => screens.push({ path, body }),
    });
    const failures = screens.filter(
      ({ body }) =>
        !/^(CON|END) /.test(body) ||
        encodedLength(body.slice(4)) > 160 ||
        !isGsm7(body),
    );
    expect(failures).toEqual([]);
    // Each language was reached: its first choice leads to a consent screen.
    expect(new Set(screens.map(({ path }) => path[0]))).toEqual(
      new Set([undefined, ...LANGUAGES.map((_, index) => String(index + 1))]),
    );
    expect(summary.screens).toBeGreaterThan(150);
    // The walk went all the way to placed orders, in every language.
    const { rows } = await ussd.services.controlPlane.pool.query<{
      language: string;
    }>(
      `SELECT DISTINCT u.language FROM "${ussd.tenant.schemaName}".orders o
         JOIN "${ussd.tenant.schemaName}".users u ON u.id = o.customer_id`,
    );
    expect(rows.map(({ language }) => language).sort()).toEqual(
      [...LANGUAGES].sort(),
    );
    process.stdout.write(
      `walked ${summary.screens} screens over ${summary.paths} paths (${summary.requests} requests)\n`,
    );
  }, 180_000);
});
