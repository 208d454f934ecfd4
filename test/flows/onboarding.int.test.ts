import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByPhone } from '../../src/commerce/index.ts';
import { OPTION } from '../../src/flows/index.ts';
import { hashPhone } from '../../src/shared/index.ts';
import {
  createTenantFixture,
  type TenantFixture,
} from '../commerce/tenant-fixture.ts';
import { Conversation } from './conversation-driver.ts';

let fixture: TenantFixture;

beforeAll(async () => {
  fixture = await createTenantFixture();
});

afterAll(async () => {
  await fixture?.close();
});

function consentRows(phone: string) {
  return fixture.run(() =>
    fixture.db.consent.findMany({ where: { contactHash: hashPhone(phone) } }),
  );
}

describe('customer flow onboarding', () => {
  describe('when a new contact writes in isiZulu', () => {
    const phone = '+27820000101';
    const chat = () => new Conversation({ fixture, contact: { id: phone } });
    let conversation: Conversation;

    it('asks for the language with each option in its own language', async () => {
      conversation = chat();
      const turn = await conversation.send({ type: 'user.start' });
      expect(turn.keys).toEqual(['onboarding:language.prompt']);
      expect(conversation.optionIds).toEqual([
        'lang:en',
        'lang:zu',
        'lang:xh',
        'lang:af',
        'lang:st',
      ]);
      expect(turn.text).toContain('isiZulu');
    });

    it('shows the privacy notice in isiZulu once isiZulu is chosen', async () => {
      const turn = await conversation.type('2');
      expect(turn.keys).toEqual(['onboarding:consent.notice']);
      expect(conversation.language).toBe('zu');
      expect(turn.text).toContain('Uyavuma?');
      expect(await consentRows(phone)).toHaveLength(0);
    });

    it('records the consent, creates the customer and opens the menu', async () => {
      const turn = await conversation.type('1');
      expect(turn.keys).toEqual(['onboarding:welcome', 'shop:menu.title']);
      const user = await fixture.run(() => findUserByPhone(phone));
      expect(user).toMatchObject({ role: 'customer', language: 'zu' });
      const rows = await consentRows(phone);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        isGranted: true,
        userId: user?.id,
        purpose: 'processing',
        channel: 'sim',
      });
    });

    it('re-asks with an apology when the input is not an option', async () => {
      const turn = await conversation.type('banana');
      expect(turn.keys).toEqual([
        'common:error.not_understood',
        'shop:menu.title',
      ]);
    });
  });

  describe('when a new contact declines the notice', () => {
    const phone = '+27820000102';

    it('records only the refusal and ends politely', async () => {
      const conversation = new Conversation({
        fixture,
        contact: { id: phone },
      });
      // The engine opens a fresh conversation with `user.start`, whatever
      // the first message says.
      const first = await conversation.type('hi');
      expect(first.keys).toEqual(['onboarding:language.prompt']);
      await conversation.choose('lang:af');
      const turn = await conversation.choose(OPTION.consentDecline);
      expect(turn.keys).toEqual(['onboarding:consent.declined']);
      expect(turn.replies[0]?.kind).toBe('end');
      expect(turn.isEnded).toBe(true);
      expect(await fixture.run(() => findUserByPhone(phone))).toBeNull();
      const rows = await consentRows(phone);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ isGranted: false, userId: null });
    });
  });

  describe('when a customer with consent returns', () => {
    const phone = '+27820000103';

    it('skips language and notice and greets them in their language', async () => {
      const first = new Conversation({ fixture, contact: { id: phone } });
      await first.send({ type: 'user.start' });
      await first.choose('lang:st');
      await first.choose(OPTION.consentAccept);

      const later = new Conversation({ fixture, contact: { id: phone } });
      const turn = await later.send({ type: 'user.start' });
      expect(turn.keys).toEqual(['onboarding:welcome_back', 'shop:menu.title']);
      expect(later.language).toBe('st');
      expect(await consentRows(phone)).toHaveLength(1);
    });
  });

  describe('when the channel gives no phone number', () => {
    it('ends with an apology at consent and stores nothing', async () => {
      const contact = { id: 'a1b2c3@lid' };
      const conversation = new Conversation({ fixture, contact });
      await conversation.send({ type: 'user.start' });
      await conversation.choose('lang:en');
      const turn = await conversation.choose(OPTION.consentAccept);
      expect(turn.keys).toEqual(['common:error.apology']);
      expect(turn.isEnded).toBe(true);
      expect(turn.failures).toEqual(['flow.contact_without_phone']);
      expect(await consentRows(contact.id)).toEqual([]);
    });
  });
});
