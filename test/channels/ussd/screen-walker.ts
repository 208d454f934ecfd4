/** One USSD request of a walk, answered with the raw response body. */
export type Dial = (
  session: { sessionId: string; phone: string },
  text: string,
) => Promise<string>;

export interface WalkScreensOptions {
  dial: Dial;
  /** Inputs tried on a screen that lists no numbered options. */
  freeTextInputs: readonly string[];
  maxDepth: number;
  /** Stops exploring after this many distinct screen shapes. */
  maxScreens: number;
  /** Paths explored at the same time (each by its own contact). */
  concurrency?: number;
  /** Called for every path's last screen, with the inputs that led there. */
  onScreen(path: readonly string[], body: string): void;
}

export interface WalkSummary {
  /** Distinct screen shapes expanded. */
  screens: number;
  requests: number;
  paths: number;
}

/** The digits a screen offers: `1. Shop`, `98. More`, `00. Menu`. */
export function offeredDigits(body: string): string[] {
  return [...body.slice(4).matchAll(/^(\d+)\. /gm)].map(
    (match) => match[1] ?? '',
  );
}

/** Navigation digits, which every paged or nested screen offers. */
const NAVIGATION = new Set(['0', '98', '00']);

/** The numbered lines of a screen that are not navigation. */
function plainOptions(body: string): string[] {
  return (body.slice(4).match(/^\d+\. .*$/gm) ?? []).filter(
    (line) => !NAVIGATION.has(line.slice(0, line.indexOf('.'))),
  );
}

/**
 * True when a screen waits for typing: no option to choose and no further
 * page (`98`), only a way back.
 */
function asksForTyping(body: string): boolean {
  const digits = offeredDigits(body);
  return !digits.includes('98') && plainOptions(body).length === 0;
}

/**
 * What decides where a screen can lead: its options (without numbers, so
 * quantities and totals do not count), or its whole text when it has none.
 * Screens of one shape lead to the same kinds of screens, so one of them is
 * expanded and the others are only checked: every product's detail screen
 * is reached and checked, but its "Add to cart" followed once.
 */
function shape(body: string): string {
  const plain = plainOptions(body);
  // The question right above the options tells languages apart (product
  // names are the same in all five) but not an apology before it.
  const question =
    body
      .split(/\n\d+\. /)[0]
      ?.split('\n')
      .at(-1) ?? '';
  const key = plain.length > 0 ? [question, ...plain].join('\n') : body;
  return `${body.slice(0, 4)}${key.replace(/\d+/g, '#')}`;
}

/**
 * Explores every screen reachable over /ussd, breadth first: each path is
 * replayed from the first dial by a new contact in a new session (a flow
 * remembers a contact across sessions), then extended by every option the
 * screen offers, or by sample typed inputs when it offers none. Paths are
 * generated from what the flows answer, not listed by hand.
 */
export async function walkScreens(
  options: WalkScreensOptions,
): Promise<WalkSummary> {
  const seen = new Set<string>();
  /** Paths to explore; `isTyped` marks a path whose last input was typed. */
  const queue: Array<{ path: string[]; isTyped: boolean }> = [
    { path: [], isTyped: false },
  ];
  let requests = 0;
  let paths = 0;
  let contact = 0;
  let running = 0;

  async function explore(path: string[], isTyped: boolean): Promise<void> {
    contact++;
    const session = {
      sessionId: `walk_${contact}`,
      phone: `+2783${String(contact).padStart(7, '0')}`,
    };
    let body = await options.dial(session, '');
    requests++;
    for (let index = 1; index <= path.length; index++) {
      body = await options.dial(session, path.slice(0, index).join('*'));
      requests++;
    }
    paths++;
    options.onScreen(path, body);
    const key = shape(body);
    if (seen.has(key) || seen.size >= options.maxScreens) return;
    seen.add(key);
    if (!body.startsWith('CON ') || path.length >= options.maxDepth) return;
    const digits = offeredDigits(body);
    // A typed answer is tried once: the screen after it (the next step, or
    // the same question again after an apology) gets only its digits.
    for (const input of digits) {
      queue.push({ path: [...path, input], isTyped: false });
    }
    if (!asksForTyping(body) || isTyped) return;
    for (const input of options.freeTextInputs) {
      queue.push({ path: [...path, input], isTyped: true });
    }
  }

  async function worker(): Promise<void> {
    for (;;) {
      const next = queue.shift();
      if (next) {
        running++;
        await explore(next.path, next.isTyped).finally(() => running--);
      } else if (running === 0) {
        return;
      } else {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }

  await Promise.all(
    Array.from({ length: options.concurrency ?? 1 }, () => worker()),
  );
  return { screens: seen.size, requests, paths };
}
