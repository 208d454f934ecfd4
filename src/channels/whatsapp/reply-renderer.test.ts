import { describe, expect, it } from 'vitest';
import type { MenuOption, Reply } from '../../flows/reply.ts';
import { LANGUAGES } from '../../i18n/index.ts';
import { checkMessage } from '../../../test/support/fake-graph-api.ts';
import {
  fit,
  renderMenuPage,
  renderReplies,
  PAGE_OPTION_PREFIX,
} from './reply-renderer.ts';
import type { OutboundPayload } from './graph-client.ts';

// A key that exists nowhere comes back from i18next as itself, which gives
// labels of any length without touching the locale files.
const label = (text: string) => ({ key: text });
const options = (count: number, text = 'Option'): MenuOption[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `opt:${i}`,
    label: label(`${text} ${i + 1}`),
  }));

interface Interactive {
  type: string;
  body: { text: string };
  action: {
    button?: string;
    sections: Array<{
      rows: Array<{ id: string; title: string; description?: string }>;
    }>;
  };
}

/** Rows of the first section of a list message. */
function rowsOf(payload: OutboundPayload | undefined) {
  return interactive(payload).action.sections[0]?.rows ?? [];
}

function interactive(payload: OutboundPayload | undefined): Interactive {
  return (payload as unknown as { interactive: Interactive }).interactive;
}

function expectValid(payloads: OutboundPayload[]): void {
  for (const payload of payloads) {
    expect(
      checkMessage({
        messaging_product: 'whatsapp',
        to: '27820000000',
        ...payload,
      }),
    ).toBeUndefined();
  }
}

describe('renderReplies', () => {
  describe.each(LANGUAGES)('in %s', (language) => {
    it('merges texts into one reply-button message for up to three short options', () => {
      const replies: Reply[] = [
        { kind: 'text', text: label('Welcome') },
        { kind: 'menu', text: label('Pick one'), options: options(3) },
      ];
      const { payloads } = renderReplies(replies, language);
      expect(payloads).toHaveLength(1);
      expect(interactive(payloads[0]).type).toBe('button');
      expect(interactive(payloads[0]).body.text).toBe('Welcome\n\nPick one');
      expectValid(payloads);
    });

    it('uses a list with translated button and section titles for more options', () => {
      const { payloads } = renderReplies(
        [{ kind: 'menu', text: label('Pick'), options: options(7) }],
        language,
      );
      const list = interactive(payloads[0]);
      expect(list.type).toBe('list');
      expect(rowsOf(payloads[0])).toHaveLength(7);
      expect(list.action.button).not.toContain('whatsapp:');
      expectValid(payloads);
    });

    it('pages a long menu with a more row and keeps every page within limits', () => {
      const menu = {
        kind: 'menu' as const,
        text: label('Pick'),
        options: options(25),
      };
      const first = renderReplies([menu], language);
      expect(first.pagedMenu).toBeDefined();
      const seen: string[] = [];
      let next: string | undefined = `${PAGE_OPTION_PREFIX}0`;
      for (let pages = 0; next !== undefined; pages += 1) {
        expect(pages).toBeLessThan(5);
        const page: number = Number(next.slice(PAGE_OPTION_PREFIX.length));
        const { payloads } = renderMenuPage({ menu, language }, page);
        expectValid(payloads);
        const rows = rowsOf(payloads[0]);
        seen.push(
          ...rows
            .map((r) => r.id)
            .filter((id) => !id.startsWith(PAGE_OPTION_PREFIX)),
        );
        next = rows
          .map((r) => r.id)
          .find((id) => id === `${PAGE_OPTION_PREFIX}${page + 1}`);
      }
      expect(seen).toEqual(menu.options.map((o) => o.id));
    });
  });

  describe('when labels are long', () => {
    it('shortens the row title and puts the full label in the description', () => {
      const long = 'Sunlight dishwashing liquid lemon fresh 750ml';
      const { payloads } = renderReplies(
        [
          {
            kind: 'menu',
            text: label('Pick'),
            options: [...options(3), { id: 'long', label: label(long) }],
          },
        ],
        'en',
      );
      const row = rowsOf(payloads[0])[3];
      expect(row?.title.length).toBeLessThanOrEqual(24);
      expect(row?.title.endsWith('...')).toBe(true);
      expect(row?.description).toBe(long);
      expectValid(payloads);
    });

    it('uses a list instead of buttons when a label passes 20 characters', () => {
      const { payloads } = renderReplies(
        [
          {
            kind: 'menu',
            text: label('Pick'),
            options: options(2, 'An option label this long'),
          },
        ],
        'zu',
      );
      expect(interactive(payloads[0]).type).toBe('list');
      expectValid(payloads);
    });

    it('uses a list when two button titles would be the same', () => {
      const same = [
        { id: 'a', label: label('Same') },
        { id: 'b', label: label('Same') },
      ];
      const { payloads } = renderReplies(
        [{ kind: 'menu', text: label('Pick'), options: same }],
        'af',
      );
      expect(interactive(payloads[0]).type).toBe('list');
    });
  });

  describe('when texts are longer than a button body', () => {
    it('sends the earlier texts alone and keeps the question with the buttons', () => {
      const long = 'x'.repeat(1500);
      const { payloads } = renderReplies(
        [
          { kind: 'text', text: label(long) },
          { kind: 'menu', text: label('Pick'), options: options(2) },
        ],
        'xh',
      );
      expect(payloads).toHaveLength(2);
      expect(payloads[0]?.type).toBe('text');
      expect(interactive(payloads[1]).body.text).toBe('Pick');
      expectValid(payloads);
    });
  });

  describe('when a location or a link is asked for', () => {
    it('asks for a pin with a location request merged with the text before it', () => {
      const { payloads } = renderReplies(
        [
          { kind: 'text', text: label('Delivery') },
          { kind: 'location_request', text: label('Send your pin') },
        ],
        'st',
      );
      expect(payloads).toHaveLength(1);
      expect(interactive(payloads[0]).type).toBe('location_request_message');
      expectValid(payloads);
    });

    it('sends a link as text with the URL and a preview', () => {
      const { payloads } = renderReplies(
        [
          {
            kind: 'link',
            text: label('Pay here'),
            url: 'https://pay.example/abc',
          },
          { kind: 'end', text: label('Bye') },
        ],
        'en',
      );
      expect(payloads).toEqual([
        {
          type: 'text',
          text: {
            body: 'Pay here\nhttps://pay.example/abc\n\nBye',
            preview_url: true,
          },
        },
      ]);
    });
  });

  it('translates the unsupported-message reply in every language', () => {
    const texts = LANGUAGES.map((language) => {
      const { payloads } = renderReplies(
        [{ kind: 'text', text: { key: 'whatsapp:unsupported' } }],
        language,
      );
      return (payloads[0] as unknown as { text: { body: string } }).text.body;
    });
    expect(new Set(texts).size).toBe(5);
    expect(texts.every((t) => !t.includes('whatsapp:'))).toBe(true);
  });
});

describe('fit', () => {
  it('cuts at a word boundary and marks the cut', () => {
    expect(fit('Fresh full cream milk two litres', 24)).toBe(
      'Fresh full cream milk...',
    );
  });

  it('leaves short text alone', () => {
    expect(fit('Bread', 24)).toBe('Bread');
  });
});
