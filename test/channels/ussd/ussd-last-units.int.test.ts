import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGsm7 } from '../../../src/channels/ussd/index.ts';
import {
  LANGUAGES,
  translate,
  type Language,
} from '../../../src/i18n/index.ts';
import { startUssdApp, type UssdApp } from './ussd-app-fixture.ts';

const PRODUCT = 'Kota (full house)';
const CUSTOMERS = 20;
const UNITS = 5;

/** The digit a screen gives the line that matches `label`, if any. */
function digitOf(body: string, label: RegExp): string | undefined {
  const line = body
    .slice(4)
    .split('\n')
    .find((candidate) => /^\d+\. /.test(candidate) && label.test(candidate));
  return line?.slice(0, line.indexOf('.'));
}

/** A pattern for the option line that shows `key`'s text. */
function labelOf(language: Language, key: string): RegExp {
  const text = screenText(language, key);
  return new RegExp(`^\\d+\\. ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** A translated text as the USSD screen shows it (GSM 7-bit). */
function screenText(language: Language, key: string, params = {}): string {
  return toGsm7(translate(language, { key, params }));
}

/**
 * Acceptance 2 of the engine issue, end to end: twenty customers, in all
 * five languages, each with the product in the cart at the confirmation
 * screen, confirm at the same moment over the real /ussd endpoint (Redis
 * sessions and locks, PostgreSQL stock). Exactly five orders exist, stock
 * ends at 0, and the other fifteen are told in their own language that
 * there is not enough in stock, with their cart shown again.
 */
describe('the last units of a product over USSD', () => {
  let ussd: UssdApp;

  beforeAll(async () => {
    // A generous budget: this test is about stock, not the time budget,
    // and twenty confirmations queue on one product row.
    ussd = await startUssdApp({ budgetMs: 15_000 });
    await ussd.services.controlPlane.pool.query(
      `UPDATE "${ussd.tenant.schemaName}".products SET stock_quantity = $1
        WHERE name = $2`,
      [UNITS, PRODUCT],
    );
  });

  afterAll(async () => {
    await ussd?.close();
  });

  /** Dials one customer up to the confirmation screen; returns its input. */
  async function toConfirmation(index: number, language: Language) {
    const sessionId = `ATUid_last_${index}`;
    const phone = `+2782666${String(index).padStart(4, '0')}`;
    const inputs: string[] = [];
    let body = await ussd.dial(sessionId, phone, '');
    const step = async (digit: string) => {
      inputs.push(digit);
      body = await ussd.dial(sessionId, phone, inputs.join('*'));
    };
    /** The digit of `label`, paging on with 98 while it is not shown. */
    const find = async (label: RegExp): Promise<string> => {
      for (;;) {
        const digit = digitOf(body, label);
        if (digit) return digit;
        if (!digitOf(body, /^98\. /)) {
          throw new Error(`no option ${String(label)} on:\n${body}`);
        }
        await step('98');
      }
    };
    const choose = async (label: RegExp) => step(await find(label));
    await step(String(LANGUAGES.indexOf(language) + 1));
    await step('1'); // accept the notice
    await choose(labelOf(language, 'shop:menu.shop'));
    await choose(labelOf(language, 'shop:category.hot_food'));
    await choose(/Kota \(full house\)/);
    await choose(labelOf(language, 'shop:product.add'));
    await step('1'); // quantity
    await choose(labelOf(language, 'cart:view'));
    await choose(labelOf(language, 'cart:checkout'));
    await choose(labelOf(language, 'checkout:fulfilment.collection'));
    const confirm = await find(labelOf(language, 'checkout:confirm'));
    return { sessionId, phone, language, text: [...inputs, confirm].join('*') };
  }

  it('places exactly five orders and tells the other fifteen politely', async () => {
    const customers = [];
    for (let index = 0; index < CUSTOMERS; index++) {
      const language = LANGUAGES[index % LANGUAGES.length] ?? 'en';
      customers.push(await toConfirmation(index, language));
    }

    const answers = await Promise.all(
      customers.map(async (customer) => ({
        ...customer,
        body: await ussd.dial(
          customer.sessionId,
          customer.phone,
          customer.text,
        ),
      })),
    );

    // A long line may be wrapped onto two, so spaces and breaks are one.
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    const placed = answers.filter(({ body, language }) =>
      flat(body).startsWith(
        flat(
          `CON ${screenText(language, 'checkout:placed.collection').split('{{')[0]}`,
        ),
      ),
    );
    const refused = answers.filter(({ body, language }) =>
      flat(body).startsWith(
        flat(
          `CON ${screenText(language, 'checkout:out_of_stock', { items: PRODUCT })}`,
        ),
      ),
    );
    expect(placed).toHaveLength(UNITS);
    expect(refused).toHaveLength(CUSTOMERS - UNITS);
    for (const { body } of refused) expect(body).toContain(PRODUCT);

    const schema = ussd.tenant.schemaName;
    const { rows: stock } = await ussd.services.controlPlane.pool.query<{
      stock_quantity: number;
    }>(`SELECT stock_quantity FROM "${schema}".products WHERE name = $1`, [
      PRODUCT,
    ]);
    expect(stock).toEqual([{ stock_quantity: 0 }]);
    const { rows: orders } = await ussd.services.controlPlane.pool.query<{
      count: string;
    }>(
      `SELECT count(DISTINCT o.id) AS count FROM "${schema}".orders o
         JOIN "${schema}".order_lines l ON l.order_id = o.id
         JOIN "${schema}".products p ON p.id = l.product_id
        WHERE p.name = $1`,
      [PRODUCT],
    );
    expect(orders).toEqual([{ count: String(UNITS) }]);
  }, 120_000);
});
