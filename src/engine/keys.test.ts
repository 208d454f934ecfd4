import { describe, expect, it } from 'vitest';
import { EngineKeys, type ConversationKey } from './keys.ts';

const conversation: ConversationKey = {
  tenantId: 'tenant1',
  channel: 'ussd',
  contactId: '+27820000001',
};

describe('EngineKeys', () => {
  describe('when given plain ids', () => {
    it('puts the conversation in one hash tag for every kind of key', () => {
      const keys = new EngineKeys('wk');
      expect(keys.session(conversation)).toBe(
        'wk:session:{tenant1:ussd:+27820000001}',
      );
      expect(keys.lock(conversation)).toBe(
        'wk:lock:{tenant1:ussd:+27820000001}',
      );
      expect(keys.handled(conversation, 'wamid.X')).toMatch(
        /^wk:handled:\{tenant1:ussd:\+27820000001\}:[A-Za-z0-9_-]{22}$/,
      );
    });

    it('uses the default prefix when none is given', () => {
      expect(new EngineKeys().lock(conversation)).toMatch(/^wakala:lock:/);
    });

    it('hashes message ids so that any characters are safe', () => {
      const keys = new EngineKeys();
      const odd = keys.handled(conversation, 'a:b{c}');
      expect(odd.split(':').length).toBe(6);
      expect(keys.handled(conversation, 'a:b{c}')).toBe(odd);
      expect(keys.handled(conversation, 'a:b{d}')).not.toBe(odd);
    });
  });

  describe('when a segment holds a delimiter or is empty', () => {
    it.each([
      ['tenantId', { ...conversation, tenantId: 'a:b' }],
      ['contactId', { ...conversation, contactId: '{x}' }],
      ['contactId', { ...conversation, contactId: '' }],
    ])('refuses the %s', (_name, bad) => {
      expect(() => new EngineKeys().session(bad)).toThrow(
        expect.objectContaining({ code: 'engine.key_segment_invalid' }),
      );
    });

    it('refuses a prefix with a colon and an empty message id', () => {
      expect(() => new EngineKeys('a:b')).toThrow(/prefix/);
      expect(() => new EngineKeys().handled(conversation, '')).toThrow(
        expect.objectContaining({ code: 'engine.message_id_empty' }),
      );
    });
  });
});
