import { expect } from 'vitest';
import type {
  FakeGraphApi,
  RecordedMessage,
} from '../../support/fake-graph-api.ts';
import { sleep } from './wait-for.ts';
import {
  buttonReply,
  listReply,
  metaJson,
  textMessage,
  webhookPayload,
  type MessageSpec,
} from './webhook-builder.ts';

/** Where a customer's webhooks go and where the shop's answers show up. */
export interface CustomerLine {
  graph: FakeGraphApi;
  post: (body: string) => Promise<void>;
}

interface Interactive {
  type?: string;
  body?: { text?: string };
  action?: {
    sections?: Array<{ rows?: Array<{ id: string }> }>;
    buttons?: Array<{ reply?: { id: string } }>;
  };
}

/** Option ids a recorded message offers: list rows or reply buttons. */
export function offeredIds(message: RecordedMessage | undefined): string[] {
  const interactive = message?.payload.interactive as Interactive | undefined;
  const rows = (interactive?.action?.sections ?? []).flatMap(
    (section) => section.rows ?? [],
  );
  const buttons = (interactive?.action?.buttons ?? []).map(
    (button) => button.reply?.id ?? '',
  );
  return [...rows.map((row) => row.id), ...buttons];
}

/** The text a person reads: a text body or an interactive message's body. */
export function bodyOf(message: RecordedMessage | undefined): string {
  const text = message?.payload.text as { body?: string } | undefined;
  const interactive = message?.payload.interactive as Interactive | undefined;
  return text?.body ?? interactive?.body?.text ?? '';
}

type Kind = 'text' | 'list' | 'button';
const BUILD = { text: textMessage, list: listReply, button: buttonReply };

/**
 * One WhatsApp contact talking to a shop through signed webhooks and
 * reading the shop's answers from the fake Graph API. Each message gets
 * the next wamid and a timestamp one second after the previous one.
 */
export class Customer {
  /** How many of the inbox's messages a test has already looked at. */
  seen = 0;
  #clock = Math.floor(Date.now() / 1000);
  #count = 0;

  constructor(
    readonly phone: string,
    readonly line: CustomerLine,
  ) {}

  /** The contact id Wakala keys this customer by (E.164). */
  get contactId(): string {
    return `+${this.phone}`;
  }

  /** Everything the shop sent this contact, in order of acceptance. */
  get inbox(): RecordedMessage[] {
    return this.line.graph.messages.filter((m) => m.to === this.phone);
  }

  /** The next message from this contact: a text, list or button reply. */
  spec(kind: Kind, value: string): MessageSpec {
    const { id, timestamp } = this.#nextIds();
    return BUILD[kind](id, this.phone, value, timestamp);
  }

  /** The next message of any other type (`image`, `sticker`, ...). */
  message(type: string, fields: Record<string, unknown>): MessageSpec {
    const { id, timestamp } = this.#nextIds();
    return { id, from: this.phone, timestamp, type, ...fields };
  }

  /** A webhook body carrying the next message of `kind`. */
  next(kind: Kind, value: string): string {
    return bodyFor(this.spec(kind, value));
  }

  /** The next message choosing `optionId` as a list row or a button. */
  choice(optionId: string): MessageSpec {
    const last = this.inbox.at(-1);
    const ids = offeredIds(last);
    expect(ids, `offered ${ids.join(', ')}`).toContain(optionId);
    const kind = last?.payload.interactive as Interactive | undefined;
    return this.spec(kind?.type === 'button' ? 'button' : 'list', optionId);
  }

  /** A webhook body choosing `optionId` from the last message. */
  choose(optionId: string): string {
    return bodyFor(this.choice(optionId));
  }

  /** The first offered option id starting with `prefix`. */
  pick(prefix: string): string {
    const id = offeredIds(this.inbox.at(-1)).find((o) => o.startsWith(prefix));
    if (!id) throw new Error(`no option starting with ${prefix}`);
    return id;
  }

  /** Waits until the newest message offers an option starting with `optionId`. */
  async answered(optionId: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const inbox = this.inbox;
      const fits = offeredIds(inbox.at(-1)).some((id) =>
        id.startsWith(optionId),
      );
      if (inbox.length > this.seen && fits) {
        const fresh = inbox.slice(this.seen);
        this.seen = inbox.length;
        return fresh;
      }
      if (Date.now() > deadline)
        throw new Error(
          `no reply offering ${optionId}: ${this.line.graph.violations.join('; ')}`,
        );
      await sleep(20);
    }
  }

  /** Posts one webhook and waits for the reply that offers `next`. */
  async say(body: string, next: string): Promise<RecordedMessage[]> {
    await this.line.post(body);
    return this.answered(next);
  }

  /**
   * Messages that arrived beyond those seen within `ms`: long enough for a
   * doubled or stray reply (one turn) to show up.
   */
  async unseenAfter(ms = 1_000): Promise<RecordedMessage[]> {
    await sleep(ms);
    return this.inbox.slice(this.seen);
  }

  #nextIds(): { id: string; timestamp: number } {
    this.#count += 1;
    this.#clock += 1;
    return { id: `wamid.${this.phone}.${this.#count}`, timestamp: this.#clock };
  }
}

/** A webhook body as Meta sends it, carrying the given messages. */
export function bodyFor(...messages: MessageSpec[]): string {
  return metaJson(webhookPayload({ messages }));
}
