import { encodedLength } from './gsm7.ts';

/** One numbered line of a screen: an option or a navigation entry. */
export interface ScreenLine {
  digits: string;
  label: string;
}

/** A screen's parts before it is fitted to the limit. */
export interface ScreenParts {
  /** Texts above the options, one entry per reply. */
  header: string[];
  /** Plain options, numbered by the flow's scheme. */
  options: ScreenLine[];
  /** The flow's own navigation options (roles back, more, menu). */
  roles: { back?: ScreenLine; more?: ScreenLine; menu?: ScreenLine };
  /** The renderer's own labels for paging a long screen. */
  pageNav: { back: ScreenLine; more: ScreenLine };
}

/** Labels are cut to this before a screen is paged, so lines stay short. */
const PAGED_LABEL_LENGTH = 20;
const LABEL_LENGTHS = [Number.POSITIVE_INFINITY, PAGED_LABEL_LENGTH];

/** `1. Shop` */
export function lineText(line: ScreenLine): string {
  return `${line.digits}. ${line.label}`;
}

/**
 * Cuts `label` to `max` characters, marking the cut with a dot; at a space
 * when one is near the end, so words stay whole.
 */
export function shortenLabel(label: string, max: number): string {
  if (label.length <= max) return label;
  const room = Math.max(1, max - 1);
  const head = label.slice(0, room + 1);
  const space = head.lastIndexOf(' ');
  const cut = space >= room * 0.6 ? space : room;
  return `${label.slice(0, cut).trimEnd()}.`;
}

function fits(lines: string[], limit: number): boolean {
  return encodedLength(lines.join('\n')) <= limit;
}

function withLabels(lines: ScreenLine[], max: number): string[] {
  return lines.map((line) =>
    lineText({ digits: line.digits, label: shortenLabel(line.label, max) }),
  );
}

/**
 * Fits a screen into `limit`: whole if it fits, then with labels cut to 20
 * characters, else paged. Pages share one navigation scheme with the flows
 * (`98` more, `0` back): the first page keeps the flow's `0` back, the
 * last page keeps the flow's `98` more and `00` menu, and pages in between
 * page locally. Every page is within `limit`, whatever the language.
 */
export function pageScreen(parts: ScreenParts, limit: number): string[] {
  const roleLines = (['back', 'more', 'menu'] as const).flatMap((role) => {
    const line = parts.roles[role];
    return line ? [line] : [];
  });
  for (const max of LABEL_LENGTHS) {
    const lines = [
      ...parts.header,
      ...withLabels([...parts.options, ...roleLines], max),
    ];
    if (fits(lines, limit)) return [lines.join('\n')];
  }
  return packPages(parts, limit);
}

function navLines(
  parts: ScreenParts,
  pageIndex: number,
  isLast: boolean,
): string[] {
  const { roles, pageNav } = parts;
  const back = pageIndex === 0 ? roles.back : pageNav.back;
  const lines = back ? [back] : [];
  if (!isLast) lines.push(pageNav.more);
  else {
    if (roles.more) lines.push(roles.more);
    if (roles.menu) lines.push(roles.menu);
  }
  return withLabels(lines, PAGED_LABEL_LENGTH);
}

function packPages(parts: ScreenParts, limit: number): string[] {
  const worstNav = withLabels(
    [
      parts.roles.back,
      parts.pageNav.back,
      parts.pageNav.more,
      parts.roles.more,
      parts.roles.menu,
    ].filter((line): line is ScreenLine => line !== undefined),
    PAGED_LABEL_LENGTH,
  );
  const items = [
    ...(parts.header.length > 0
      ? splitText(parts.header.join('\n'), worstNav, limit)
      : []),
    ...parts.options.map((line) => fitLine(line, worstNav, limit)),
  ];
  const pages: string[] = [];
  let next = 0;
  for (let pageIndex = 0; ; pageIndex++) {
    const rest = items.slice(next);
    const lastNav = navLines(parts, pageIndex, true);
    // The last page may still be over the limit only with a limit too small
    // for the navigation itself (the router refuses such limits).
    if (rest.length <= 1 || fits([...rest, ...lastNav], limit)) {
      pages.push([...rest, ...lastNav].join('\n'));
      return pages;
    }
    const nav = navLines(parts, pageIndex, false);
    let take = 1;
    while (
      next + take < items.length &&
      fits([...items.slice(next, next + take + 1), ...nav], limit)
    ) {
      take++;
    }
    pages.push([...items.slice(next, next + take), ...nav].join('\n'));
    next += take;
  }
}

/** An option line cut until it fits on a page with the worst navigation. */
function fitLine(line: ScreenLine, nav: string[], limit: number): string {
  for (let max = PAGED_LABEL_LENGTH; max > 1; max--) {
    const text = lineText({ ...line, label: shortenLabel(line.label, max) });
    if (fits([text, ...nav], limit)) return text;
  }
  return lineText({ ...line, label: shortenLabel(line.label, 1) });
}

/**
 * Splits a long text at spaces into pieces that each fit on a page beside
 * the worst navigation; a single word too long for a page is cut.
 */
export function splitText(
  text: string,
  nav: string[],
  limit: number,
): string[] {
  if (fits([text, ...nav], limit)) return [text];
  const pieces: string[] = [];
  let current = '';
  for (const word of text.split(/ +/)) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (fits([candidate, ...nav], limit)) {
      current = candidate;
      continue;
    }
    if (current !== '') pieces.push(current);
    current = word;
    while (!fits([current, ...nav], limit) && current.length > 1) {
      let cut = current.length - 1;
      while (cut > 1 && !fits([current.slice(0, cut), ...nav], limit)) cut--;
      pieces.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
