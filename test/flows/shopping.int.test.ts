import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findUserByPhone,
  getCart,
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

async function cartOf(phone: string) {
  return fixture.run(async () => {
    const user = await findUserByPhone(phone);
    return getCart(user?.id ?? '');
  });
}

describe('customer flow shopping', () => {
  describe('when a customer browses a category and fills the cart', () => {
    const phone = '+27820000201';
    let chat: Conversation;

    it('lists the categories in the customer language', async () => {
      chat = await onboard(fixture, phone);
      const turn = await chat.type('1');
      expect(turn.keys).toEqual(['shop:categories.title']);
      expect(turn.text).toContain('Groceries');
      expect(chat.optionIds.at(-1)).toBe(OPTION.back);
    });

    it('re-asks a list it loaded when the answer is not an option', async () => {
      const turn = await chat.type('groceries please');
      expect(turn.keys).toEqual([
        'common:error.not_understood',
        'shop:categories.title',
      ]);
    });

    it('returns to the same list after opening and leaving the language menu', async () => {
      let turn = await chat.type('LANG');
      expect(turn.keys).toEqual(['onboarding:language.prompt']);
      turn = await chat.type('0');
      expect(turn.keys).toEqual(['shop:categories.title']);
    });

    it('pages the products four at a time with More and Back', async () => {
      let turn = await chat.choose(
        chat.optionId({ key: 'shop:category.groceries' }),
      );
      expect(turn.text).toContain('(1/2)');
      expect(chat.optionIds).toHaveLength(6);
      expect(chat.optionIds.slice(-2)).toEqual([OPTION.more, OPTION.back]);

      turn = await chat.type('98');
      expect(turn.text).toContain('(2/2)');
      expect(turn.text).toContain('White bread 700g');
      expect(chat.optionIds.at(-1)).toBe(OPTION.back);
      expect(chat.optionIds).not.toContain(OPTION.more);

      turn = await chat.type('0');
      expect(turn.text).toContain('(1/2)');
    });

    it('shows a product with its price in rand and its stock', async () => {
      const turn = await chat.choose(chat.optionId({ name: 'Amasi 2L' }));
      expect(turn.keys).toEqual(['shop:product.in_stock']);
      expect(turn.text).toContain('Amasi 2L\nR34.99 - in stock');
      expect(chat.optionIds).toEqual([OPTION.addToCart, OPTION.back]);
    });

    it('asks the quantity again until it is a number from 1 to 99', async () => {
      let turn = await chat.choose(OPTION.addToCart);
      expect(turn.keys).toEqual(['shop:quantity.prompt']);
      for (const wrong of ['two', '100', '-1']) {
        turn = await chat.type(wrong);
        expect(turn.keys).toEqual([
          'shop:quantity.invalid',
          'shop:quantity.prompt',
        ]);
      }
      turn = await chat.type('2');
      expect(turn.keys).toEqual(['cart:added', 'common:what_next']);
      expect(turn.text).toContain('2 x Amasi 2L. Total: R69.98');
      const cart = await cartOf(phone);
      expect(cart.lines).toMatchObject([{ name: 'Amasi 2L', quantity: 2 }]);
    });

    it('goes back to the same product page to keep shopping', async () => {
      const turn = await chat.choose(OPTION.keepShopping);
      expect(turn.text).toContain('(1/2)');
    });

    it('changes a line quantity in the cart', async () => {
      await chat.type('menu');
      let turn = await chat.choose(OPTION.cart);
      expect(turn.keys).toEqual(['cart:title']);
      expect(turn.text).toContain('Your cart: 2 items, R69.98');
      turn = await chat.choose(chat.optionId({ name: 'Amasi 2L' }));
      expect(turn.keys).toEqual(['cart:line.title']);
      turn = await chat.choose(OPTION.changeQuantity);
      expect(turn.keys).toEqual(['cart:quantity.prompt']);
      turn = await chat.type('3');
      expect(turn.keys).toEqual(['cart:updated', 'cart:title']);
      expect((await cartOf(phone)).lines[0]?.quantity).toBe(3);
    });

    it('removes a line from the cart', async () => {
      await chat.choose(chat.optionId({ name: 'Amasi 2L' }));
      const turn = await chat.choose(OPTION.removeLine);
      expect(turn.keys).toEqual(['cart:removed', 'cart:empty']);
      expect(chat.optionIds).toEqual([OPTION.shop, OPTION.back]);
      expect((await cartOf(phone)).lines).toEqual([]);
    });
  });

  describe('when a product is sold out', () => {
    it('says so and offers no Add to cart', async () => {
      const chat = await onboard(fixture, '+27820000202', { language: 'af' });
      await chat.choose(OPTION.shop);
      await chat.choose(chat.optionId({ key: 'shop:category.household' }));
      const turn = await chat.choose(chat.optionId({ name: 'Paraffin 1L' }));
      expect(turn.keys).toEqual(['shop:product.sold_out']);
      expect(turn.text).toContain('R28.99 - uit voorraad');
      expect(chat.optionIds).toEqual([OPTION.back]);
    });
  });

  describe('when a customer searches with a typo', () => {
    const phone = '+27820000203';
    let chat: Conversation;

    it('finds the product and returns to the results from it', async () => {
      chat = await onboard(fixture, phone);
      let turn = await chat.choose(OPTION.search);
      expect(turn.keys).toEqual(['shop:search.prompt']);
      turn = await chat.type('sunlite');
      expect(turn.keys).toEqual(['shop:search.title']);
      expect(turn.text).toContain('Sunlight soap 750g');
      turn = await chat.choose(chat.optionId({ name: 'Sunlight soap 750g' }));
      expect(turn.keys).toEqual(['shop:product.in_stock']);
      turn = await chat.type('0');
      expect(turn.keys).toEqual(['shop:search.title']);
    });

    it('says when nothing matches and asks again', async () => {
      await chat.type('0');
      const turn = await chat.type('xylophone');
      expect(turn.keys).toEqual(['shop:search.empty', 'shop:search.prompt']);
    });
  });

  describe('when a customer without orders opens My orders', () => {
    it('says there are none yet and offers the shop', async () => {
      const chat = await onboard(fixture, '+27820000204', { language: 'xh' });
      const turn = await chat.choose(OPTION.orders);
      expect(turn.keys).toEqual(['orders:empty']);
      expect(turn.text).toContain('Awunazo ii-odolo');
    });
  });
});

describe('customer flow when the database fails', () => {
  it('apologises, reports the failure and shows the main menu', async () => {
    const chat = await onboard(fixture, '+27820000205');
    const table = `"${fixture.tenant.schemaName}".orders`;
    await fixture.pool.query(`ALTER TABLE ${table} RENAME TO orders_gone`);
    try {
      const turn = await chat.choose(OPTION.orders);
      expect(turn.keys).toEqual(['common:error.apology', 'shop:menu.title']);
      expect(turn.failures).toHaveLength(1);
    } finally {
      await fixture.pool.query(
        `ALTER TABLE "${fixture.tenant.schemaName}".orders_gone RENAME TO orders`,
      );
    }
    const turn = await chat.choose(OPTION.orders);
    expect(turn.keys).toEqual(['orders:empty']);
  });
});
