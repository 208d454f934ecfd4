import { describe, expect, it } from 'vitest';
import { encodedLength, gsm7Length, isGsm7, toGsm7 } from './gsm7.ts';

describe('gsm7', () => {
  describe('when a text uses only the basic set', () => {
    it('is GSM-7 and counts one septet per character', () => {
      const text = 'Sawubona! 1. Shop @ R12.50 é ü ñ Ä';
      expect(isGsm7(text)).toBe(true);
      expect(gsm7Length(text)).toBe(text.length);
      expect(encodedLength(text)).toBe(text.length);
    });
  });

  describe('when a text uses the extension table', () => {
    it('counts two septets for each extension character', () => {
      expect(isGsm7('€5 [a]')).toBe(true);
      expect(gsm7Length('€5 [a]')).toBe(9);
    });
  });

  describe('when a text holds a character outside GSM-7', () => {
    it('counts the screen at its UCS-2 size', () => {
      expect(isGsm7('Hoë prys')).toBe(false);
      // 8 UTF-16 units are 128 bits, the room of 19 septets (rounded up).
      expect(encodedLength('Hoë prys')).toBe(19);
      expect(encodedLength('x'.repeat(70) + 'ê')).toBeGreaterThan(160);
      expect(encodedLength('x'.repeat(69) + 'ê')).toBeLessThanOrEqual(160);
    });
  });

  describe('toGsm7', () => {
    it('drops the Afrikaans circumflex and diaeresis marks', () => {
      expect(toGsm7('Hoë, wêreld, môre, naïef, brûe, dîe')).toBe(
        'Hoe, wereld, more, naief, brue, die',
      );
      expect(toGsm7('ÊËÔÎÛÏ')).toBe('EEOIUI');
    });

    it('keeps the accented letters GSM-7 already has', () => {
      expect(toGsm7('é è ä ö ü Ä ê')).toBe('é è ä ö ü Ä e');
    });

    it('turns curly quotes, dashes and no-break spaces into ASCII', () => {
      expect(toGsm7('\u2019n \u201Cgoeie\u201D dag \u2013 R5\u00A0000')).toBe(
        '\'n "goeie" dag - R5 000',
      );
      expect(toGsm7('ŉ Winkel\u2026')).toBe("'n Winkel...");
    });

    it('drops emoji and tidies the spaces they leave', () => {
      expect(toGsm7('Thank you 🙏🏾 for shopping 👍')).toBe(
        'Thank you for shopping',
      );
      expect(isGsm7(toGsm7('Ngiyabonga ❤️\nEnkosi'))).toBe(true);
    });

    it('strips other marks when the bare letter is GSM-7', () => {
      expect(toGsm7('Šá çí')).toBe('Sa ci');
    });

    it('returns GSM-7 text as it is', () => {
      const text = 'Sicela ukhethe:\n1. Thenga';
      expect(toGsm7(text)).toBe(text);
    });
  });
});
