import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MenuOption, Reply } from '../../flows/reply.ts';
import { initI18n, LANGUAGES } from '../../i18n/index.ts';
import { encodedLength, isGsm7 } from './gsm7.ts';
import { renderChannelScreen, renderUssdScreen } from './render-ussd-screen.ts';

const LONG_AF =
  'Hier is ’n baie lang beskrywing van die winkel se produkte, met ê, ë ' +
  'en ô, wat beslis nie op een skerm pas nie omdat dit veel langer is ' +
  'as honderd-en-sestig karakters – selfs sonder die spyskaart.';

// Added at import time: describe bodies below render while being collected.
initI18n().addResourceBundle('en', 'ussdtest', {
  question: 'Choose a product:',
  long: LONG_AF,
  product: 'Product number {{n}} with a long name',
  back: 'Back',
  more: 'More',
  menu: 'Menu',
  thanks: 'Thank you 🙏🏾 “Ma’s” shop',
});

function option(id: string, params?: Record<string, number>): MenuOption {
  return { id, label: { key: 'ussdtest:product', params } };
}

function productMenu(count: number): Reply {
  const options: MenuOption[] = [];
  for (let n = 1; n <= count; n++) options.push(option(`prod:${n}`, { n }));
  options.push({
    id: 'nav.back',
    label: { key: 'ussdtest:back' },
    role: 'back',
  });
  options.push({
    id: 'nav.more',
    label: { key: 'ussdtest:more' },
    role: 'more',
  });
  options.push({
    id: 'nav.menu',
    label: { key: 'ussdtest:menu' },
    role: 'menu',
  });
  return { kind: 'menu', text: { key: 'ussdtest:question' }, options };
}

describe('renderUssdScreen', () => {
  describe('when a menu fits', () => {
    it('numbers plain options from 1 and roles by their digits', () => {
      const screen = renderUssdScreen([productMenu(2)], 'en', { limit: 182 });
      expect(screen).toEqual({
        pages: [
          [
            'Choose a product:',
            '1. Product number 1 with a long name',
            '2. Product number 2 with a long name',
            '0. Back',
            '98. More',
            '00. Menu',
          ].join('\n'),
        ],
        isEnd: false,
      });
    });

    it('cuts long labels before it pages', () => {
      const [page, ...rest] = renderUssdScreen([productMenu(4)], 'en').pages;
      expect(rest).toEqual([]);
      expect(page).toContain('1. Product number 1.');
      expect(encodedLength(page ?? '')).toBeLessThanOrEqual(160);
    });
  });

  describe('when a screen is too long', () => {
    const screen = renderUssdScreen([productMenu(9)], 'en');

    it('pages it, each page within the limit', () => {
      expect(screen.pages.length).toBeGreaterThan(1);
      for (const page of screen.pages) {
        expect(encodedLength(page)).toBeLessThanOrEqual(160);
      }
    });

    it('uses 98 for more and 0 for back on every page', () => {
      const [first, ...others] = screen.pages;
      const last = others.at(-1) ?? '';
      expect(first).toMatch(/\n0\. Back\n98\. More$/);
      expect(first).toContain('Choose a product:');
      expect(last).toMatch(/\n0\. Back\n98\. More\n00\. Menu$/);
      for (const page of others.slice(0, -1)) {
        expect(page).toMatch(/\n0\. Back\n98\. More$/);
      }
    });

    it('shows every option exactly once', () => {
      const all = screen.pages.join('\n');
      for (let n = 1; n <= 9; n++) {
        expect(all.match(new RegExp(`^${n}\\. `, 'gm'))).toHaveLength(1);
      }
    });
  });

  describe('when a text is longer than a page', () => {
    it('splits it at spaces across pages', () => {
      const screen = renderUssdScreen(
        [{ kind: 'text', text: { key: 'ussdtest:long' } }],
        'en',
        { limit: 80 },
      );
      expect(screen.pages.length).toBeGreaterThan(2);
      for (const page of screen.pages) {
        expect(encodedLength(page)).toBeLessThanOrEqual(80);
      }
      const words = screen.pages
        .map((page) => page.replace(/\n(0\. Back|98\. More)/g, ''))
        .join(' ');
      expect(words).toContain('beskrywing van die winkel se produkte');
    });
  });

  describe('when texts hold characters outside GSM-7', () => {
    const replies: Reply[] = [
      { kind: 'text', text: { key: 'ussdtest:thanks' } },
      { kind: 'text', text: { key: 'ussdtest:long' } },
    ];

    it('transliterates by default so the screen keeps 160 characters', () => {
      const screen = renderUssdScreen(replies, 'en');
      expect(screen.pages[0]).toMatch(/^Thank you "Ma's" shop\nHier is 'n/);
      expect(screen.pages[0]).toContain('met e, e en o');
      for (const page of screen.pages) expect(isGsm7(page)).toBe(true);
    });

    it('fits UCS-2 pages when transliteration is off', () => {
      const screen = renderUssdScreen(replies, 'en', { transliterate: false });
      expect(screen.pages.some((page) => !isGsm7(page))).toBe(true);
      for (const page of screen.pages) {
        expect(encodedLength(page)).toBeLessThanOrEqual(160);
      }
    });
  });

  describe('when a reply has no USSD form', () => {
    it('asks to type the area instead of a location pin', () => {
      const screen = renderUssdScreen(
        [{ kind: 'location_request', text: { key: 'ussdtest:question' } }],
        'zu',
      );
      expect(screen.pages).toEqual([
        'Sicela uthayiphe indawo yakho noma ikheli lakho:',
      ]);
    });

    it('shows a link as its short text, never the URL', () => {
      const link: Reply = {
        kind: 'link',
        text: { key: 'ussdtest:question' },
        url: 'https://pay.example/abc',
        shortText: { key: 'ussdtest:menu' },
      };
      const screen = renderUssdScreen([link], 'en');
      expect(screen.pages).toEqual(['Choose a product:\nMenu']);
      const bare = renderUssdScreen([{ ...link, shortText: undefined }], 'af');
      expect(bare.pages[0]).not.toContain('https');
    });
  });

  describe('when the replies end the conversation', () => {
    it('marks the screen as the end', () => {
      const screen = renderUssdScreen(
        [{ kind: 'end', text: { key: 'ussd:error' } }],
        'st',
      );
      expect(screen.isEnd).toBe(true);
    });
  });

  describe('for every text of the ussd namespace in every language', () => {
    const keys = Object.entries(
      JSON.parse(
        readFileSync(
          new URL('../../../locales/en/ussd.json', import.meta.url),
          'utf8',
        ),
      ) as Record<string, unknown>,
    ).flatMap(([key, value]) =>
      typeof value === 'string'
        ? [key]
        : Object.keys(value as object).map((inner) => `${key}.${inner}`),
    );

    it.each(LANGUAGES)('fits one GSM-7 screen in %s', (language) => {
      for (const key of keys) {
        const screen = renderChannelScreen(
          [`ussd:${key}`],
          [
            { digits: '1', label: 'Mama Thandi se Spaza' },
            { digits: '2', label: 'Another shop' },
          ],
          language,
        );
        expect(screen.pages, key).toHaveLength(1);
        expect(isGsm7(screen.pages[0] ?? ''), key).toBe(true);
        expect(encodedLength(screen.pages[0] ?? ''), key).toBeLessThanOrEqual(
          160,
        );
      }
    });
  });
});
