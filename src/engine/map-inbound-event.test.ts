import { describe, expect, it } from 'vitest';
import { mapInboundEvent } from './map-inbound-event.ts';
import type { MenuEntry } from './session-envelope.ts';

const menu: MenuEntry[] = [
  ['1', 'cat:a'],
  ['2', 'cat:b'],
  ['98', 'nav.more'],
  ['00', 'nav.menu'],
];

describe('mapInboundEvent', () => {
  describe('when the text is the digits of an option', () => {
    it.each([
      ['1', 'cat:a'],
      [' 2 ', 'cat:b'],
      ['98', 'nav.more'],
      ['00', 'nav.menu'],
    ])('turns %j into the choice %s', (text, optionId) => {
      expect(mapInboundEvent({ type: 'user.text', text }, menu)).toEqual({
        type: 'user.choice',
        optionId,
      });
    });
  });

  describe('when the text is menu or 0 and no option answers to it', () => {
    it.each(['menu', ' Menu ', 'MENU', '0'])(
      'turns %j into user.menu',
      (text) => {
        expect(mapInboundEvent({ type: 'user.text', text }, menu)).toEqual({
          type: 'user.menu',
        });
      },
    );

    it('prefers an option whose digits are 0', () => {
      expect(
        mapInboundEvent({ type: 'user.text', text: '0' }, [['0', 'nav.back']]),
      ).toEqual({
        type: 'user.choice',
        optionId: 'nav.back',
      });
    });
  });

  describe('when the text is anything else or the event is not text', () => {
    it('passes it unchanged', () => {
      const text = { type: 'user.text' as const, text: '3' };
      expect(mapInboundEvent(text, menu)).toBe(text);
      const words = { type: 'user.text' as const, text: 'main menu please' };
      expect(mapInboundEvent(words, menu)).toBe(words);
      const choice = { type: 'user.choice' as const, optionId: 'x' };
      expect(mapInboundEvent(choice, menu)).toBe(choice);
    });
  });
});
