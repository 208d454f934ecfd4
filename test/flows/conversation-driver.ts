import { createActor, type Snapshot } from 'xstate';
import {
  customerFlow,
  numberOptions,
  type CustomerEvent,
  type MenuReply,
  type Reply,
} from '../../src/flows/index.ts';
import { translate } from '../../src/i18n/index.ts';
import type { Channel, Contact } from '../../src/engine/inbound-event.ts';
import type { TenantFixture } from '../commerce/tenant-fixture.ts';

/** How long a turn may take to settle before the test fails. */
const SETTLE_LIMIT_MS = 5_000;

/** The outcome of one turn as a test reads it. */
export interface Turn {
  replies: Reply[];
  /** The i18n keys of the replies' main texts, in order. */
  keys: string[];
  /** Every reply translated into the contact's language, joined by lines. */
  text: string;
  isEnded: boolean;
  /** Codes of `flow.failed` events: database calls that failed politely. */
  failures: string[];
}

export interface ConversationOptions {
  fixture: TenantFixture;
  contact: Contact;
  channel?: Channel;
  sessionId?: string;
}

/**
 * A tiny stand-in for the turn runner, enough to drive the customer flow in
 * a test: each turn restores the actor from a snapshot that went through a
 * real JSON round trip, sends one event inside the tenant scope, waits
 * until no invoked actor is running, and persists the snapshot again.
 * Typed text is mapped to options the way the engine does it.
 */
export class Conversation {
  private saved: unknown = undefined;
  private lastMenu: Array<{ digits: string; optionId: string }> = [];
  private lastMenuReply: MenuReply | undefined;
  /** Language of the context after the last turn, for translations. */
  language: string = 'en';
  private ended = false;

  constructor(private readonly options: ConversationOptions) {}

  /** Sends an event as is. */
  async send(event: CustomerEvent): Promise<Turn> {
    if (this.ended) throw new Error('the conversation has ended');
    const input = customerFlow.createInput({
      contact: this.options.contact,
      channel: this.options.channel ?? 'sim',
      tenant: this.options.fixture.tenant,
    });
    // The input only matters for a fresh actor; a restored one ignores it.
    const actor = createActor(customerFlow.machine, {
      input,
      ...(this.saved
        ? {
            snapshot: JSON.parse(
              JSON.stringify(this.saved),
            ) as Snapshot<unknown>,
          }
        : {}),
    });
    const replies: Reply[] = [];
    let failure: unknown;
    const failures: string[] = [];
    actor.on('reply', (emitted) => replies.push(emitted.reply));
    actor.on('flow.failed', (emitted) => failures.push(emitted.code));
    actor.subscribe({ error: (error) => (failure = error) });
    await this.options.fixture.run(async () => {
      actor.start();
      actor.send(event);
      await settle(actor);
    });
    if (failure) throw failure as Error;
    const snapshot = actor.getSnapshot();
    this.ended = snapshot.status === 'done';
    this.language = snapshot.context.language;
    this.saved = actor.getPersistedSnapshot();
    actor.stop();
    this.remember(replies);
    return {
      replies,
      keys: replies.map((reply) => reply.text.key),
      text: replies
        .map((reply) => renderText(reply, snapshot.context.language))
        .join('\n'),
      isEnded: this.ended,
      failures,
    };
  }

  /** What a person types: digits of the last menu become a choice. */
  type(text: string): Promise<Turn> {
    const trimmed = text.trim();
    const option = this.lastMenu.find((entry) => entry.digits === trimmed);
    if (option)
      return this.send({ type: 'user.choice', optionId: option.optionId });
    if (/^(menu|0)$/i.test(trimmed)) return this.send({ type: 'user.menu' });
    return this.send({ type: 'user.text', text });
  }

  choose(optionId: string): Promise<Turn> {
    return this.send({ type: 'user.choice', optionId });
  }

  /** Option ids of the last menu, in order. */
  get optionIds(): string[] {
    return this.lastMenu.map((entry) => entry.optionId);
  }

  /**
   * A second conversation that continues from this one's saved session, as
   * a retried turn would after a crash that kept the old session.
   */
  fork(): Conversation {
    const copy = new Conversation(this.options);
    copy.saved = JSON.parse(JSON.stringify(this.saved)) as unknown;
    copy.lastMenu = [...this.lastMenu];
    copy.lastMenuReply = this.lastMenuReply;
    copy.language = this.language;
    return copy;
  }

  /** The id of the last menu's option whose label has `key` or `name`. */
  optionId(match: { key?: string; name?: string }): string {
    const option = this.lastMenuReply?.options.find(
      (candidate) =>
        candidate.label.key === match.key ||
        (match.name !== undefined &&
          candidate.label.params?.name === match.name),
    );
    if (!option) throw new Error(`no option ${JSON.stringify(match)}`);
    return option.id;
  }

  /** The persisted snapshot as stored (after its JSON round trip). */
  get persisted(): { value: unknown; context: Record<string, unknown> } {
    return JSON.parse(JSON.stringify(this.saved)) as {
      value: unknown;
      context: Record<string, unknown>;
    };
  }

  private remember(replies: Reply[]): void {
    const menus = replies.filter((reply) => reply.kind === 'menu');
    const menu = menus.at(-1);
    if (replies.length > 0) {
      this.lastMenuReply = menu;
      this.lastMenu = menu
        ? numberOptions(menu.options).map(({ digits, option }) => ({
            digits,
            optionId: option.id,
          }))
        : [];
    }
  }
}

function renderText(reply: Reply, language: string): string {
  const lang = language as Parameters<typeof translate>[0];
  const head = translate(lang, reply.text);
  if (reply.kind !== 'menu') return head;
  const rows = numberOptions(reply.options).map(
    ({ digits, option }) => `${digits}. ${translate(lang, option.label)}`,
  );
  return [head, ...rows].join('\n');
}

async function settle(actor: {
  getSnapshot(): { children: Record<string, unknown> };
}): Promise<void> {
  const started = Date.now();
  for (;;) {
    const children = Object.values(actor.getSnapshot().children) as Array<
      { getSnapshot(): { status: string } } | undefined
    >;
    if (!children.some((child) => child?.getSnapshot().status === 'active')) {
      return;
    }
    if (Date.now() - started > SETTLE_LIMIT_MS) {
      throw new Error('the flow did not settle in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A conversation that has chosen `language` and accepted the notice. */
export async function onboard(
  fixture: TenantFixture,
  phone: string,
  options: { language?: string; channel?: Channel } = {},
): Promise<Conversation> {
  const conversation = new Conversation({
    fixture,
    contact: { id: phone },
    channel: options.channel ?? 'sim',
  });
  await conversation.send({ type: 'user.start' });
  await conversation.choose(`lang:${options.language ?? 'en'}`);
  await conversation.choose('consent.accept');
  return conversation;
}
