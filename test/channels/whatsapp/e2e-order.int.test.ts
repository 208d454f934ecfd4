import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTION, OPTION_PREFIX } from '../../../src/flows/index.ts';
import { LANGUAGES, type Language } from '../../../src/i18n/index.ts';
import { tenantDb } from '../../../src/tenancy/index.ts';
import {
  createWhatsappAppFixture,
  type WhatsappAppFixture,
} from './whatsapp-app-fixture.ts';
import { Customer, offeredIds } from './whatsapp-customer.ts';
import { DEMO_PHONE_NUMBER_ID } from './webhook-builder.ts';

let fixture: WhatsappAppFixture;

/** From the first message to the confirm question, in `language`. */
async function walkToSummary(c: Customer, language: Language) {
  await c.say(c.next('text', 'Hi'), OPTION_PREFIX.language);
  await c.say(c.choose(`lang:${language}`), OPTION.consentAccept);
  await c.say(c.choose(OPTION.consentAccept), OPTION.shop);
  await c.say(c.choose(OPTION.shop), OPTION_PREFIX.category);
  await c.say(c.choose(c.pick(OPTION_PREFIX.category)), OPTION_PREFIX.product);
  await c.say(c.choose(c.pick(OPTION_PREFIX.product)), OPTION.addToCart);
  // The quantity prompt offers only "back"; the quantity is typed.
  await c.say(c.choose(OPTION.addToCart), OPTION.back);
  await c.say(c.next('text', '2'), OPTION.viewCart);
  await c.say(c.choose(OPTION.viewCart), OPTION.checkout);
  await c.say(c.choose(OPTION.checkout), OPTION.collection);
  await c.say(c.choose(OPTION.collection), OPTION.confirmOrder);
}

function ordersOf(customer: Customer) {
  return fixture.inTenant(() =>
    tenantDb().order.findMany({
      where: { customer: { phone: { contains: customer.phone } } },
      include: { lines: true, customer: true },
    }),
  );
}

beforeAll(async () => {
  fixture = await createWhatsappAppFixture('waorder');
});

afterAll(async () => {
  await fixture?.close();
});

describe('WhatsApp order end to end', () => {
  describe.concurrent('when a customer buys through signed webhooks', () => {
    it.each(LANGUAGES.map((language, i) => [language, i] as const))(
      'places a confirmed cash order in %s',
      async (language, i) => {
        const customer = new Customer(`2782555100${i}`, fixture);
        await walkToSummary(customer, language);
        await customer.say(customer.choose(OPTION.confirmOrder), OPTION.shop);
        const [order, ...others] = await ordersOf(customer);
        expect(others).toEqual([]);
        expect(order).toMatchObject({
          status: 'confirmed',
          fulfilment: 'collection',
          paymentMethod: 'cash',
          channel: 'whatsapp',
        });
        expect(order?.lines).toMatchObject([{ quantity: 2 }]);
        expect(order?.customer.language).toBe(language);
        expect(
          customer.inbox.every((m) => m.phoneNumberId === DEMO_PHONE_NUMBER_ID),
        ).toBe(true);
        expect(fixture.graph.violations).toEqual([]);
      },
    );
  });

  describe('when Meta redelivers and reorders webhooks', () => {
    it('answers a first message delivered three times once', async () => {
      const customer = new Customer('27825552001', fixture);
      const body = customer.next('text', 'Hi');
      await Promise.all([
        fixture.post(body),
        fixture.post(body),
        fixture.post(body),
      ]);
      await customer.answered(OPTION_PREFIX.language);
      expect(await customer.unseenAfter()).toEqual([]);
    });

    it('handles two webhooks posted in reverse order in timestamp order and orders once', async () => {
      const customer = new Customer('27825552002', fixture);
      const c = customer;
      await walkToSummary(customer, 'xh');
      await c.say(c.choose(OPTION.back), OPTION.collection);
      await c.say(c.choose(OPTION.back), OPTION.checkout);
      // Written first: checkout; written second: collection. Posted the
      // other way round at once, collection would be refused at the cart.
      const first = c.choose(OPTION.checkout);
      const second = c.next('button', OPTION.collection);
      await Promise.all([fixture.post(second), fixture.post(first)]);
      const replies = await c.answered(OPTION.confirmOrder);
      expect(replies.map((m) => offeredIds(m))).toEqual([
        expect.arrayContaining([OPTION.collection]),
        expect.arrayContaining([OPTION.confirmOrder]),
      ]);
      const confirm = c.choose(OPTION.confirmOrder);
      await Promise.all([
        fixture.post(confirm),
        fixture.post(confirm),
        fixture.post(confirm),
      ]);
      await c.answered(OPTION.shop);
      expect(await c.unseenAfter()).toEqual([]);
      expect(await ordersOf(customer)).toHaveLength(1);
      expect(fixture.graph.violations).toEqual([]);
    });
  });
});
