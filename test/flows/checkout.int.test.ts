import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findUserByPhone,
  seedDemoCatalogue,
} from '../../src/commerce/index.ts';
import { OPTION } from '../../src/flows/index.ts';
import {
  createTenantFixture,
  type TenantFixture,
} from '../commerce/tenant-fixture.ts';
import { onboard, type Conversation } from './conversation-driver.ts';

let fixture: TenantFixture;

beforeAll(async () => {
  fixture = await createTenantFixture();
  await fixture.run(() => seedDemoCatalogue());
});

afterAll(async () => {
  await fixture?.close();
});

/** Adds `quantity` of a product through the menus, from anywhere. */
async function addToCart(
  chat: Conversation,
  categoryKey: string,
  name: string,
  quantity: number,
): Promise<void> {
  await chat.type('menu');
  await chat.choose(OPTION.shop);
  await chat.choose(chat.optionId({ key: categoryKey }));
  await chat.choose(chat.optionId({ name }));
  await chat.choose(OPTION.addToCart);
  await chat.type(String(quantity));
}

/** From anywhere to the fulfilment question of a new checkout. */
async function startCheckout(chat: Conversation) {
  await chat.type('menu');
  await chat.choose(OPTION.cart);
  return chat.choose(OPTION.checkout);
}

function ordersOf(phone: string) {
  return fixture.run(async () => {
    const user = await findUserByPhone(phone);
    return fixture.db.order.findMany({
      where: { customerId: user?.id ?? '' },
      include: { lines: true, payments: true, delivery: true },
    });
  });
}

function stockOf(name: string) {
  return fixture.run(async () => {
    const product = await fixture.db.product.findFirst({ where: { name } });
    return product?.stockQuantity;
  });
}

describe('customer flow checkout', () => {
  describe('when a customer collects the order', () => {
    const phone = '+27820000301';

    it('summarises, confirms and places a cash order', async () => {
      const chat = await onboard(fixture, phone, { language: 'zu' });
      await addToCart(chat, 'shop:category.drinks', 'Coca-Cola 2L', 2);
      let turn = await startCheckout(chat);
      expect(turn.keys).toEqual(['checkout:fulfilment.title']);
      turn = await chat.choose(OPTION.collection);
      expect(turn.keys).toEqual([
        'checkout:summary.order',
        'checkout:summary.confirm',
      ]);
      expect(turn.text).toContain('2 x Coca-Cola 2L R49.98');
      expect(turn.text).toContain('Uzolanda esitolo');
      expect(turn.text).toContain('Khokha ngokheshi uma ulilanda');

      turn = await chat.choose(OPTION.confirmOrder);
      expect(turn.keys).toEqual([
        'checkout:placed.collection',
        'shop:menu.title',
      ]);
      const [order, ...others] = await ordersOf(phone);
      expect(others).toEqual([]);
      expect(order).toMatchObject({
        fulfilment: 'collection',
        paymentMethod: 'cash',
        totalCents: 4998,
        channel: 'sim',
      });
      expect(turn.text).toContain(`ngu-${order?.number}`);
      expect(order?.payments).toMatchObject([{ provider: 'cash' }]);
      expect(await stockOf('Coca-Cola 2L')).toBe(46);
      // The session after a full purchase stays small (DESIGN.md: well
      // under 1 KB): ids and answers only, no lists.
      expect(chat.storedBytes).toBeLessThan(1024);
    });

    it('lists the order with its status under My orders', async () => {
      const chat = await onboard(fixture, phone, { language: 'zu' });
      const turn = await chat.choose(OPTION.orders);
      expect(turn.keys).toEqual([
        'orders:title',
        'orders:line',
        'common:what_next',
      ]);
      expect(turn.text).toContain('R49.98 - Kuqinisekisiwe');
    });
  });

  describe('when a WhatsApp customer sends a location pin', () => {
    it('asks for the pin and delivers to it', async () => {
      const phone = '+27820000302';
      const chat = await onboard(fixture, phone, { channel: 'whatsapp' });
      await addToCart(chat, 'shop:category.hot_food', 'Kota (basic)', 1);
      await startCheckout(chat);
      let turn = await chat.choose(OPTION.delivery);
      expect(turn.replies).toMatchObject([
        {
          kind: 'location_request',
          text: { key: 'checkout:address.prompt_pin' },
        },
      ]);
      turn = await chat.send({
        type: 'user.location',
        latitude: -26.2389,
        longitude: 27.9096,
      });
      expect(turn.text).toContain('Delivery to your location pin');
      expect(turn.text).toContain('Pay cash on delivery');
      turn = await chat.choose(OPTION.confirmOrder);
      expect(turn.keys[0]).toBe('checkout:placed.delivery');
      const [order] = await ordersOf(phone);
      expect(order).toMatchObject({
        fulfilment: 'delivery',
        deliveryLatitude: -26.2389,
        deliveryLongitude: 27.9096,
        channel: 'whatsapp',
      });
      expect(order?.delivery).toMatchObject({ status: 'unassigned' });
    });
  });

  describe('when a USSD customer types the address', () => {
    it('re-asks a too short address and delivers to the typed one', async () => {
      const phone = '+27820000303';
      const chat = await onboard(fixture, phone, { channel: 'ussd' });
      await addToCart(chat, 'shop:category.groceries', 'Eggs 6 pack', 1);
      await startCheckout(chat);
      let turn = await chat.choose(OPTION.delivery);
      expect(turn.keys).toEqual(['checkout:address.prompt']);
      turn = await chat.type('here');
      expect(turn.keys).toEqual([
        'checkout:address.invalid',
        'checkout:address.prompt',
      ]);
      turn = await chat.type(' 12 Vilakazi St,  Orlando West ');
      expect(turn.text).toContain('Delivery to: 12 Vilakazi St, Orlando West');
      await chat.choose(OPTION.confirmOrder);
      const [order] = await ordersOf(phone);
      expect(order?.deliveryAddress).toBe('12 Vilakazi St, Orlando West');
      expect(order?.delivery?.address).toBe('12 Vilakazi St, Orlando West');
    });
  });

  describe('when the language changes in the middle of checkout', () => {
    it('keeps the checkout and shows it again in the new language', async () => {
      const phone = '+27820000304';
      const chat = await onboard(fixture, phone, { channel: 'ussd' });
      await addToCart(chat, 'shop:category.groceries', 'Maize meal 5kg', 1);
      await startCheckout(chat);
      await chat.choose(OPTION.delivery);
      let turn = await chat.type('ulimi');
      expect(turn.keys).toEqual(['onboarding:language.prompt']);
      turn = await chat.choose('lang:st');
      expect(turn.keys).toEqual([
        'onboarding:language.changed',
        'checkout:address.prompt',
      ]);
      turn = await chat.type('45 Moshoeshoe Rd, Thaba Nchu');
      expect(turn.text).toContain('E tliswa ho: 45 Moshoeshoe Rd');

      await chat.type('taal');
      turn = await chat.choose('lang:af');
      expect(turn.keys).toEqual([
        'onboarding:language.changed',
        'checkout:summary.order',
        'checkout:summary.confirm',
      ]);
      expect(turn.text).toContain('Aflewering na: 45 Moshoeshoe Rd');
      turn = await chat.choose(OPTION.confirmOrder);
      expect(turn.keys[0]).toBe('checkout:placed.delivery');
      expect(turn.text).toContain('Dankie!');
      const user = await fixture.run(() => findUserByPhone(phone));
      expect(user?.language).toBe('af');
    });
  });

  describe('when stock runs out before confirmation', () => {
    it('names the short items, places nothing and shows the cart', async () => {
      const phone = '+27820000305';
      const chat = await onboard(fixture, phone);
      await addToCart(chat, 'shop:category.hot_food', 'Kota (full house)', 3);
      await startCheckout(chat);
      await chat.choose(OPTION.collection);
      await fixture.run(() =>
        fixture.db.product.updateMany({
          where: { name: 'Kota (full house)' },
          data: { stockQuantity: 1 },
        }),
      );
      const turn = await chat.choose(OPTION.confirmOrder);
      expect(turn.keys).toEqual(['checkout:out_of_stock', 'cart:title']);
      expect(turn.text).toContain('not enough in stock: Kota (full house)');
      expect(await ordersOf(phone)).toEqual([]);
      expect(await stockOf('Kota (full house)')).toBe(1);
    });
  });

  describe('when a confirmation is retried from the old session', () => {
    it('places one order and answers both with its number', async () => {
      const phone = '+27820000306';
      const chat = await onboard(fixture, phone);
      await addToCart(chat, 'shop:category.drinks', 'Ginger beer 2L', 1);
      await startCheckout(chat);
      await chat.choose(OPTION.collection);
      const retry = chat.fork();
      const first = await chat.choose(OPTION.confirmOrder);
      const second = await retry.choose(OPTION.confirmOrder);
      expect(second.keys).toEqual(first.keys);
      expect(second.text).toBe(first.text);
      expect(await ordersOf(phone)).toHaveLength(1);
    });
  });

  describe('when a USSD customer redials midway', () => {
    it('offers to continue or start over and keeps the cart', async () => {
      const phone = '+27820000307';
      const chat = await onboard(fixture, phone, { channel: 'ussd' });
      await addToCart(chat, 'shop:category.groceries', 'Brown bread 700g', 1);
      await startCheckout(chat);
      let turn = await chat.send({ type: 'user.start' });
      expect(turn.keys).toEqual(['common:resume.prompt']);
      turn = await chat.choose(OPTION.resume);
      expect(turn.keys).toEqual(['checkout:fulfilment.title']);
      await chat.send({ type: 'user.start' });
      turn = await chat.choose(OPTION.restart);
      expect(turn.keys).toEqual(['shop:menu.title']);
      turn = await chat.choose(OPTION.cart);
      expect(turn.text).toContain('Your cart: 1 item, R16.99');
    });
  });
});
