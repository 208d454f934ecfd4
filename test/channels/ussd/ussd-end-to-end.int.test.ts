import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodedLength } from '../../../src/channels/ussd/index.ts';
import { startUssdApp, type UssdApp } from './ussd-app-fixture.ts';

const PHONE = '+27825550001';

/** Dials one USSD session step by step, as a handset would. */
function session(ussd: UssdApp, sessionId: string, phone = PHONE) {
  const inputs: string[] = [];
  return async (input?: string): Promise<string> => {
    if (input !== undefined) inputs.push(input);
    const body = await ussd.dial(sessionId, phone, inputs.join('*'));
    expect(body).toMatch(/^(CON|END) /);
    expect(encodedLength(body.slice(4))).toBeLessThanOrEqual(160);
    return body;
  };
}

describe('USSD end to end over HTTP', () => {
  let ussd: UssdApp;

  beforeAll(async () => {
    ussd = await startUssdApp({ budgetMs: 2000 });
  });

  afterAll(async () => {
    await ussd.close();
  });

  it('shops, survives a dropped session and places a cash order', async () => {
    const first = session(ussd, 'ATUid_e2e_1');
    expect(await first()).toMatch(/^CON Choose your language:\n1\. English/);
    expect(await first('1')).toMatch(/POPIA/);
    expect(await first('1')).toMatch(/^CON Welcome to Demo Spaza!/);
    expect(await first('1')).toMatch(/^CON Choose a category:\n1\. Groceries/);
    const pageOne = await first('1');
    expect(pageOne).toMatch(/^CON Choose a product \(1\/2\):/);
    expect(pageOne).toMatch(/\n98\. More/);
    const pageTwo = await first('98');
    expect(pageTwo).toMatch(/^CON Choose a product \(2\/2\):\n1\. Rice 2kg/);
    expect(await first('1')).toMatch(/^CON Rice 2kg\nR39\.99/);
    expect(await first('1')).toMatch(/^CON How many\?/);
    expect(await first('2')).toMatch(/^CON In your cart: 2 x Rice 2kg/);
    // The session drops here: the gateway never calls this one again.

    const second = session(ussd, 'ATUid_e2e_2');
    expect(await second()).toMatch(/^CON Welcome back! Continue where/);
    expect(await second('1')).toMatch(/\n1\. View cart/);
    expect(await second('1')).toMatch(/^CON Your cart: 2 items, R79\.98/);
    expect(await second('2')).toMatch(
      /^CON How do you want to get your order\?/,
    );
    const summary = await second('2');
    expect(summary).toMatch(/^CON Your order:\n2 x Rice 2kg R79\.98/);
    expect(summary).toMatch(/Pay cash when you collect/);
    expect(await second('1')).toMatch(
      /^CON Thank you! Your order number is \d+/,
    );

    const { rows } = await ussd.services.controlPlane.pool.query<{
      status: string;
      total_cents: number;
      lines: string;
    }>(
      `SELECT o.status, o.total_cents,
              (SELECT count(*) FROM "${ussd.tenant.schemaName}".order_lines l
                WHERE l.order_id = o.id) AS lines
         FROM "${ussd.tenant.schemaName}".orders o`,
    );
    expect(rows).toEqual([
      { status: 'confirmed', total_cents: 7998, lines: '1' },
    ]);
  });

  describe('when the database is slow', () => {
    it('answers within the budget and leaves no half-made order', async () => {
      const slow = await startUssdApp({ budgetMs: 500 });
      const locker = new pg.Client({ connectionString: slow.database.url });
      await locker.connect();
      try {
        const dial = session(slow, 'ATUid_slow_1', '+27825550002');
        await dial();
        await dial('1');
        await dial('1');
        await dial('1');
        await dial('1');
        await dial('1');
        await dial('1');
        expect(await dial('3')).toMatch(/^CON In your cart: 3 x/);
        await dial('1');
        await dial('2');
        expect(await dial('2')).toMatch(/^CON Your order:/);

        // Hold the products table while the order is confirmed.
        await locker.query('BEGIN');
        await locker.query(
          `LOCK TABLE "${slow.tenant.schemaName}".products IN ACCESS EXCLUSIVE MODE`,
        );
        const started = performance.now();
        const answer = await dial('1');
        const elapsed = performance.now() - started;
        expect(answer).toBe(
          'END Sorry, this is taking too long. Please dial again in a minute.',
        );
        expect(elapsed).toBeLessThanOrEqual(500 + 100);
        await locker.query('ROLLBACK');

        // The late turn now finishes on its own; the order is whole or absent.
        const deadline = Date.now() + 5000;
        let orders: Array<{ lines: string }> = [];
        while (Date.now() < deadline) {
          orders = (
            await locker.query<{ lines: string }>(
              `SELECT (SELECT count(*) FROM "${slow.tenant.schemaName}".order_lines l
                        WHERE l.order_id = o.id) AS lines
                 FROM "${slow.tenant.schemaName}".orders o`,
            )
          ).rows;
          if (orders.length > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        for (const order of orders) expect(order.lines).not.toBe('0');
        expect(orders.length).toBeLessThanOrEqual(1);

        const again = session(slow, 'ATUid_slow_2', '+27825550002');
        expect(await again()).toMatch(/^CON /);
      } finally {
        await locker.end();
        await slow.close();
      }
    });
  });
});
