import { describe, expect, it } from 'vitest';
import { encodedLength } from './gsm7.ts';
import { pageScreen, shortenLabel, type ScreenParts } from './page-screen.ts';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function words(next: () => number, count: number): string {
  const pool = [
    'Sicela',
    'ukhethe',
    'umkhiqizo',
    'Okunye',
    'isitolo',
    'R12.50',
  ];
  return Array.from({ length: count }, () => pool[Math.floor(next() * 6)]).join(
    ' ',
  );
}

describe('pageScreen', () => {
  describe('for many random screens and limits', () => {
    it('keeps every page within the limit and every option once', () => {
      const next = random(42);
      for (let round = 0; round < 300; round++) {
        const limit = 60 + Math.floor(next() * 123);
        const count = Math.floor(next() * 15);
        const parts: ScreenParts = {
          header: [words(next, 1 + Math.floor(next() * 40))],
          options: Array.from({ length: count }, (_, index) => ({
            digits: String(index + 1),
            label: words(next, 1 + Math.floor(next() * 8)),
          })),
          roles: {
            back: { digits: '0', label: 'Emuva' },
            ...(next() > 0.5
              ? { more: { digits: '98', label: 'Okunye' } }
              : {}),
            menu: { digits: '00', label: 'Imenyu Enkulu' },
          },
          pageNav: {
            back: { digits: '0', label: 'Emuva' },
            more: { digits: '98', label: 'Okunye' },
          },
        };
        const pages = pageScreen(parts, limit);
        for (const page of pages) {
          expect(encodedLength(page), `round ${round}`).toBeLessThanOrEqual(
            limit,
          );
        }
        const all = pages.join('\n');
        for (let digit = 1; digit <= count; digit++) {
          expect(all.match(new RegExp(`^${digit}\\. `, 'gm'))).toHaveLength(1);
        }
        expect(all.match(/^00\. /gm)).toHaveLength(1);
      }
    });
  });
});

describe('shortenLabel', () => {
  it('cuts at a space near the end, else inside the word', () => {
    expect(shortenLabel('Product number 1 with a long name', 20)).toBe(
      'Product number 1.',
    );
    expect(shortenLabel('Amaqandaamakhulukakhulu', 10)).toBe('Amaqandaa.');
    expect(shortenLabel('Short', 10)).toBe('Short');
  });
});
