import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodedLength } from '../../../src/channels/ussd/index.ts';
import { tenantDb, withTenantId } from '../../../src/tenancy/index.ts';
import {
  captureLogs,
  startUssdApp,
  type CapturedLogs,
  type UssdApp,
} from './ussd-app-fixture.ts';

const SHARED_CODE = '*120*900#';
const STORE_CODE = '4321';
const SHOP_CHOOSER =
  'CON Welcome back. Choose a shop:\n1. Demo Spaza\n2. Another shop';
const ASK_STORE_CODE = 'CON Welcome to Wakala. Please type the shop code:';
// A first dial on a shared code knows no language yet: a line in each.
const ASK_STORE_CODE_EVERY_LANGUAGE = [
  'CON Type the shop code',
  'Thayipha ikhodi yesitolo',
  'Bhala ikhowudi yevenkile',
  'Tik die winkelkode',
  'Thaepa khoutu ya lebenkele',
].join('\n');
const DIAL_AGAIN =
  'END Sorry, this is taking too long. Please dial again in a minute.';

/**
 * One USSD session of one contact, dialled as a handset does: every request
 * carries the whole `text` so far, and every answer fits one screen.
 */
function session(
  ussd: UssdApp,
  sessionId: string,
  phone: string,
  serviceCode?: string,
) {
  const inputs: string[] = [];
  async function send(): Promise<string> {
    const text = inputs.join('*');
    const body = await ussd.dial(sessionId, phone, text, serviceCode);
    expect(body).toMatch(/^(CON|END) /);
    expect(encodedLength(body.slice(4))).toBeLessThanOrEqual(160);
    return body;
  }
  return {
    /** The first request without `input`, then one request per answer. */
    dial: (input?: string): Promise<string> => {
      if (input !== undefined) inputs.push(input);
      return send();
    },
    /** The last request once more, as a gateway retrying it would. */
    repeat: send,
  };
}

type Session = ReturnType<typeof session>;

/** Language English, privacy notice accepted: a new contact's first steps. */
async function toMainMenu(dial: Session['dial']): Promise<void> {
  expect(await dial()).toMatch(/^CON Choose your language:\n1\. English/);
  expect(await dial('1')).toMatch(/POPIA/);
  expect(await dial('1')).toMatch(/^CON Welcome to Demo Spaza!\nMain menu/);
}

/** Turns the engine completed, read from its own log lines. */
function turnsRun(logs: CapturedLogs): number {
  return logs
    .records()
    .filter(
      (record) => record.module === 'engine' && record.msg === 'turn completed',
    ).length;
}

/**
 * Three more categories with long names, so the category menu no longer
 * fits one screen and the channel pages it; one of them has a product.
 */
async function addCategories(ussd: UssdApp): Promise<void> {
  const names = [
    'Stationery and books',
    'Baby and toddler kit',
    'Airtime and vouchers',
  ];
  await withTenantId(ussd.services.controlPlane, ussd.tenant.id, async () => {
    for (const [index, name] of names.entries()) {
      const category = await tenantDb().category.create({
        data: { name, sortOrder: 60 + index * 10 },
      });
      if (index === names.length - 1) {
        await tenantDb().product.create({
          data: {
            name: 'Airtime R10',
            priceCents: 1000,
            stockQuantity: 50,
            categoryId: category.id,
          },
        });
      }
    }
  });
}

describe('the USSD channel over the demo shop', () => {
  let ussd: UssdApp;
  let logs: CapturedLogs;

  beforeAll(async () => {
    logs = captureLogs('info');
    ussd = await startUssdApp({ logger: logs.logger });
    await addCategories(ussd);
  });

  afterAll(async () => {
    await ussd.close();
  });

  /** Runs `fn` inside the demo shop's scope, as the app's code does. */
  function inShop<T>(fn: () => Promise<T>): Promise<T> {
    return withTenantId(ussd.services.controlPlane, ussd.tenant.id, fn);
  }

  describe('when a screen does not fit one page', () => {
    it('pages it locally with 98 and 0, without a turn', async () => {
      const { dial } = session(ussd, 'ATUid_page_1', '+27825551001');
      await toMainMenu(dial);
      const first = await dial('1');
      expect(first).toMatch(/^CON Choose a category:\n1\. Groceries\n/);
      expect(first).toMatch(/\n0\. Back\n98\. More$/);
      const turns = turnsRun(logs);

      const second = await dial('98');
      expect(second).not.toContain('Choose a category');
      expect(second).toMatch(/^CON (\d\. .*\n)*8\. Airtime and vouchers\n/);
      expect(await dial('0')).toBe(first);
      expect(turnsRun(logs)).toBe(turns);
    });

    it('takes a digit from any page as the option of that number', async () => {
      const { dial } = session(ussd, 'ATUid_page_2', '+27825551002');
      await toMainMenu(dial);
      const firstPage = await dial('1');
      const secondPage = await dial('98');
      // "1" is on the first page only, "8" on the second only.
      expect(firstPage).toContain('\n1. Groceries');
      expect(firstPage).not.toContain('\n8. ');
      expect(secondPage).toContain('8. Airtime and vouchers');
      expect(secondPage).not.toContain('1. Groceries');
      expect(await dial('1')).toMatch(
        /^CON Choose a product \(1\/2\):\n1\. Amasi 2L/,
      );
      expect(await dial('0')).toBe(firstPage);
      expect(await dial('98')).toBe(secondPage);
      expect(await dial('8')).toMatch(
        /^CON Choose a product \(1\/1\):\n1\. Airtime R10\n/,
      );
    });
  });

  describe('when a typed answer contains "*"', () => {
    it('reaches the flow whole', async () => {
      const phone = '+27825551003';
      const { dial } = session(ussd, 'ATUid_star_1', phone);
      await toMainMenu(dial);
      for (const input of ['1', '1', '1', '1', '2', '1', '2']) {
        await dial(input);
      }
      expect(await dial('1')).toMatch(/^CON Please type your area or street/);
      const summary = await dial('12*3 Vilakazi St');
      expect(summary).toMatch(/^CON Your order:\n2 x Amasi 2L R69\.98\n/);
      expect(summary).toContain('\nDelivery to: 12*3 Vilakazi St\n');
      expect(await dial('1')).toMatch(/^CON Thank you! Your order number/);
      const orders = await inShop(() =>
        tenantDb().order.findMany({
          where: { customer: { phone } },
          select: { deliveryAddress: true },
        }),
      );
      expect(orders).toEqual([{ deliveryAddress: '12*3 Vilakazi St' }]);
    });
  });

  describe('when the gateway sends the same request again', () => {
    it('answers the same screen and adds the item once', async () => {
      const phone = '+27825551004';
      const { dial, repeat } = session(ussd, 'ATUid_retry_1', phone);
      await toMainMenu(dial);
      for (const input of ['1', '1', '1', '1']) await dial(input);
      const turns = turnsRun(logs);
      const first = await dial('2');
      expect(first).toMatch(/^CON In your cart: 2 x Amasi 2L\. Total: R69\.98/);
      expect(await repeat()).toBe(first);
      expect(turnsRun(logs)).toBe(turns + 1);

      const cart = await inShop(() =>
        tenantDb().cartItem.findMany({
          where: { user: { phone } },
          select: { quantity: true },
        }),
      );
      expect(cart).toEqual([{ quantity: 2 }]);
      expect(await dial('1')).toMatch(/^CON Your cart: 2 items, R69\.98/);
    });
  });

  describe('when the flow ends', () => {
    it('answers END, and the next dial starts afresh', async () => {
      const phone = '+27825551005';
      const { dial } = session(ussd, 'ATUid_end_1', phone);
      await dial();
      await dial('1');
      expect(await dial('2')).toBe(
        'END No problem. We kept only your answer. You can come back any time.',
      );
      const again = session(ussd, 'ATUid_end_2', phone);
      expect(await again.dial()).toMatch(/^CON Choose your language:/);
    });
  });

  describe('when the code is shared by many shops', () => {
    it('asks for the store code, then offers the last shop on the next dial', async () => {
      await ussd.registerSharedCode(SHARED_CODE, STORE_CODE);
      const phone = '+27825551006';
      const first = session(ussd, 'ATUid_shared_1', phone, SHARED_CODE);
      const turns = turnsRun(logs);
      expect(await first.dial()).toBe(ASK_STORE_CODE_EVERY_LANGUAGE);
      expect(await first.dial('9999')).toBe(
        [
          'CON Not found, type it again',
          'Ayitholakalanga, thayipha futhi',
          'Ayifumanekanga, bhala kwakhona',
          'Nie gevind nie, tik weer',
          'Ha e a fumanwa, thaepa hape',
        ].join('\n'),
      );
      expect(turnsRun(logs)).toBe(turns);
      expect(await first.dial(STORE_CODE)).toMatch(
        /^CON Choose your language:\n1\. English/,
      );
      expect(turnsRun(logs)).toBe(turns + 1);
      await first.dial('1');
      expect(await first.dial('1')).toMatch(/^CON Welcome to Demo Spaza!/);

      const next = session(ussd, 'ATUid_shared_2', phone, SHARED_CODE);
      expect(await next.dial()).toBe(SHOP_CHOOSER);
      expect(await next.dial('1')).toMatch(
        /^CON Welcome back to Demo Spaza!\nMain menu/,
      );

      // Known by now: "another shop" asks in the contact's language only.
      const other = session(ussd, 'ATUid_shared_3', phone, SHARED_CODE);
      expect(await other.dial()).toBe(SHOP_CHOOSER);
      expect(await other.dial('2')).toBe(ASK_STORE_CODE);
      expect(await other.dial('9999')).toBe(
        'CON Sorry, we could not find that shop code. Please type it again:',
      );
    });
  });
});

describe('the USSD channel when a turn outlives the budget', () => {
  const budgetMs = 1000;
  let slow: UssdApp;
  let logs: CapturedLogs;

  beforeAll(async () => {
    logs = captureLogs('info');
    slow = await startUssdApp({ budgetMs, logger: logs.logger });
  });

  afterAll(async () => {
    await slow.close();
  });

  async function lateTurns(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const late = logs
        .records()
        .filter((record) => record.msg === 'late turn finished');
      if (late.length > 0 || Date.now() > deadline) return late;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('answers END asking to dial again, in time, and the work completes', async () => {
    const phone = '+27825551007';
    const schema = `"${slow.tenant.schemaName}"`;
    const { dial } = session(slow, 'ATUid_budget_1', phone);
    expect(await dial()).toMatch(/^CON Choose your language:/);
    expect(await dial('1')).toMatch(/POPIA/);

    // Agreeing writes the consent record; hold its table meanwhile.
    const locker = new pg.Client({ connectionString: slow.database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(
        `LOCK TABLE ${schema}.consents IN ACCESS EXCLUSIVE MODE`,
      );
      const started = performance.now();
      const answer = await dial('1');
      const elapsed = performance.now() - started;
      expect(answer).toBe(DIAL_AGAIN);
      expect(elapsed).toBeLessThanOrEqual(budgetMs + 100);
      expect(await lateTurns(0)).toEqual([]);
      await locker.query('ROLLBACK');

      expect(await lateTurns(5000)).toEqual([
        expect.objectContaining({ status: 'handled' }),
      ]);
      const consents = await withTenantId(
        slow.services.controlPlane,
        slow.tenant.id,
        () => tenantDb().consent.findMany({ select: { isGranted: true } }),
      );
      expect(consents).toEqual([{ isGranted: true }]);
    } finally {
      await locker.end();
    }
    const again = session(slow, 'ATUid_budget_2', phone);
    expect(await again.dial()).toMatch(
      /^CON Welcome back to Demo Spaza!\nMain menu/,
    );
  });
});
