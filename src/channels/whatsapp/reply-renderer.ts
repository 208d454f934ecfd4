import type { MenuOption, MenuReply, Reply } from '../../flows/reply.ts';
import { translate, type Language } from '../../i18n/index.ts';
import type { OutboundPayload } from './graph-client.ts';
import { WHATSAPP_LIMITS as L } from './whatsapp-limits.ts';

/** Option id prefix of the paging rows the channel adds to long menus. */
export const PAGE_OPTION_PREFIX = 'wa.page:';

/** A menu too long for one list, kept so the paging rows can show the rest. */
export interface PagedMenu {
  menu: MenuReply;
  language: Language;
}

export interface RenderedReplies {
  payloads: OutboundPayload[];
  /** Set when a menu needed paging rows; store it for `renderMenuPage`. */
  pagedMenu?: PagedMenu;
}

interface Row {
  id: string;
  title: string;
  description?: string;
}

/**
 * Turns a turn's replies into as few WhatsApp messages as possible: texts
 * are merged into the body of the interactive message that follows them
 * (fewer messages cost the shop less and spare the pair rate limit), a menu
 * becomes reply buttons when up to three short labels fit and a list
 * otherwise, and every length stays within Meta's limits in any language.
 */
export function renderReplies(
  replies: readonly Reply[],
  language: Language,
): RenderedReplies {
  const payloads: OutboundPayload[] = [];
  let pending: string[] = [];
  let pagedMenu: PagedMenu | undefined;
  const say = (text: string): void => {
    if (text.trim().length > 0) pending.push(text);
  };
  for (const reply of replies) {
    switch (reply.kind) {
      case 'text':
      case 'end':
        say(translate(language, reply.text));
        break;
      case 'link':
        say(`${translate(language, reply.text)}\n${reply.url}`);
        break;
      case 'location_request': {
        const body = takeBody(
          pending,
          translate(language, reply.text),
          L.locationRequestBody,
          payloads,
        );
        pending = [];
        payloads.push(locationRequest(body));
        break;
      }
      case 'menu': {
        const rendered = renderMenuPage({ menu: reply, language }, 0, pending);
        pending = [];
        payloads.push(...rendered.payloads);
        if (rendered.isPaged) pagedMenu = { menu: reply, language };
        break;
      }
    }
  }
  if (pending.length > 0) payloads.push(...textMessages(pending.join('\n\n')));
  return pagedMenu ? { payloads, pagedMenu } : { payloads };
}

/**
 * Renders page `page` of a menu. `before` are texts to merge into its body;
 * a paging row (`wa.page:<n>`) leads to the previous and next pages when
 * the options do not fit the ten rows of one list.
 */
export function renderMenuPage(
  paged: PagedMenu,
  page: number,
  before: readonly string[] = [],
): { payloads: OutboundPayload[]; isPaged: boolean } {
  const { menu, language } = paged;
  const payloads: OutboundPayload[] = [];
  const question = translate(language, menu.text);
  const buttons = page === 0 ? asButtons(menu.options, language) : undefined;
  if (buttons) {
    const body = takeBody([...before], question, L.buttonBody, payloads);
    payloads.push(buttonMessage(body, buttons));
    return { payloads, isPaged: false };
  }
  const { rows, isPaged } = pageRows(menu.options, language, page);
  const body = takeBody([...before], question, L.listBody, payloads);
  const button = fit(
    translate(language, menu.buttonLabel ?? { key: 'whatsapp:menu.button' }),
    L.listButton,
  );
  payloads.push(
    listMessage(
      body,
      button,
      fit(
        translate(language, { key: 'whatsapp:menu.section' }),
        L.sectionTitle,
      ),
      rows,
    ),
  );
  return { payloads, isPaged };
}

/** Reply buttons when there are at most three options, each label short and unique. */
function asButtons(
  options: readonly MenuOption[],
  language: Language,
): Row[] | undefined {
  if (options.length === 0 || options.length > L.buttonsMax) return undefined;
  if (options.some((o) => o.description)) return undefined;
  const titles = options.map((o) => translate(language, o.label));
  if (titles.some((t) => t.length > L.buttonTitle || t.trim().length === 0))
    return undefined;
  if (new Set(titles).size !== titles.length) return undefined;
  return options.map((o, i) => ({ id: o.id, title: titles[i] ?? '' }));
}

function pageRows(
  options: readonly MenuOption[],
  language: Language,
  page: number,
): { rows: Row[]; isPaged: boolean } {
  if (options.length <= L.listRows) {
    return { rows: options.map((o) => toRow(o, language)), isPaged: false };
  }
  // Every page but the first gives one row to "previous"; every page but
  // the last gives one to "more". Walk the pages to find this one's slice.
  let start = 0;
  for (let p = 0; p < page; p += 1) start += perPage(options.length, start, p);
  start = Math.min(start, options.length - 1);
  const count = perPage(options.length, start, page);
  const rows = options
    .slice(start, start + count)
    .map((o) => toRow(o, language));
  if (page > 0)
    rows.unshift(navRow(page - 1, 'whatsapp:menu.previous', language));
  if (start + count < options.length)
    rows.push(navRow(page + 1, 'whatsapp:menu.more', language));
  return { rows, isPaged: true };
}

function perPage(total: number, start: number, page: number): number {
  const room = L.listRows - (page > 0 ? 1 : 0);
  return total - start <= room ? total - start : room - 1;
}

function navRow(page: number, key: string, language: Language): Row {
  return {
    id: `${PAGE_OPTION_PREFIX}${page}`,
    title: fit(translate(language, { key }), L.rowTitle),
  };
}

/** A long label keeps a shortened title and moves the full text below it. */
function toRow(option: MenuOption, language: Language): Row {
  const label = translate(language, option.label).trim();
  const detail = option.description
    ? translate(language, option.description).trim()
    : '';
  const isLong = label.length > L.rowTitle;
  const description = [isLong ? label : '', detail].filter(Boolean).join(' - ');
  return {
    id: option.id,
    title: fit(label, L.rowTitle),
    ...(description ? { description: fit(description, L.rowDescription) } : {}),
  };
}

/**
 * Merges the waiting texts into a body of at most `limit` characters; what
 * does not fit goes out first as plain text messages, so nothing is lost.
 */
function takeBody(
  before: string[],
  question: string,
  limit: number,
  out: OutboundPayload[],
): string {
  const merged = [...before, question].join('\n\n');
  if (merged.length <= limit) return merged;
  if (before.length > 0) out.push(...textMessages(before.join('\n\n')));
  return question.length <= limit
    ? question
    : `${question.slice(0, limit - 3)}...`;
}

/** Shortens to `limit` characters at a word boundary where one is near. */
export function fit(text: string, limit: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= limit) return clean;
  const cut = clean.slice(0, limit - 3);
  if (clean[limit - 3] === ' ') return `${cut}...`;
  const space = cut.lastIndexOf(' ');
  return `${space > limit / 2 ? cut.slice(0, space) : cut}...`;
}

function textMessages(text: string): OutboundPayload[] {
  const parts: OutboundPayload[] = [];
  for (let at = 0; at < text.length; at += L.textBody) {
    const body = text.slice(at, at + L.textBody);
    parts.push({
      type: 'text',
      text: { body, preview_url: /https?:\/\//.test(body) },
    });
  }
  return parts;
}

function buttonMessage(body: string, buttons: Row[]): OutboundPayload {
  return {
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: body },
      action: {
        buttons: buttons.map((b) => ({
          type: 'reply',
          reply: { id: b.id, title: b.title },
        })),
      },
    },
  };
}

function listMessage(
  body: string,
  button: string,
  sectionTitle: string,
  rows: Row[],
): OutboundPayload {
  return {
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text: body },
      action: { button, sections: [{ title: sectionTitle, rows }] },
    },
  };
}

function locationRequest(body: string): OutboundPayload {
  return {
    type: 'interactive',
    interactive: {
      type: 'location_request_message',
      body: { text: body },
      action: { name: 'send_location' },
    },
  };
}
