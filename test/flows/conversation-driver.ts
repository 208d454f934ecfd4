import { randomUUID } from 'node:crypto';
import {
  MemoryConversationLocks,
  MemoryInboundDeduplicator,
  MemorySessionStore,
  conversationOf,
  createTurnRunner,
  decodeEnvelope,
  type Channel,
  type Contact,
  type ConversationKey,
  type FlowEvent,
  type InboundMessage,
  type TurnResult,
  type TurnRunner,
} from '../../src/engine/index.ts';
import {
  customerFlow,
  numberOptions,
  type MenuReply,
  type Reply,
} from '../../src/flows/index.ts';
import { translate, type Language } from '../../src/i18n/index.ts';
import { createLogger, type Logger } from '../../src/shared/index.ts';
import type { TenantFixture } from '../commerce/tenant-fixture.ts';

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
}

/**
 * One contact talking to the fixture's tenant through the real turn runner
 * (`createTurnRunner` with the customer flow and the in-memory session
 * store, locks and de-duplicator), as a channel adapter would: each call
 * builds an inbound message, and the engine restores the session, maps
 * typed digits and `menu`, settles the flow and saves the session again.
 * A turn the engine does not answer `handled` fails the test, with the
 * error the runner logged.
 */
export class Conversation {
  /** Language of the last turn's replies, for translations. */
  language: Language;
  private readonly sessions = new MemorySessionStore();
  private readonly runner: TurnRunner;
  private readonly logs = captureEngineLogs();
  private readonly key: ConversationKey;
  /** The encoded session after the last turn; undefined once it ended. */
  private stored: string | undefined;
  /** A session copied from another conversation, written before turn one. */
  private seed: string | undefined;
  private lastMenuReply: MenuReply | undefined;

  constructor(private readonly options: ConversationOptions) {
    const { fixture } = options;
    this.language = fixture.tenant.defaultLanguage;
    this.key = conversationOf(this.message({ type: 'user.start' }));
    this.runner = createTurnRunner({
      sessions: this.sessions,
      locks: new MemoryConversationLocks(),
      dedupe: new MemoryInboundDeduplicator(),
      selectFlow: () => customerFlow,
      runInTenant: (tenantId, fn) => {
        if (tenantId !== fixture.tenant.id) {
          throw new Error(`no tenant ${tenantId} in this fixture`);
        }
        return fixture.run(fn);
      },
      logger: this.logs.logger,
    });
  }

  /** Sends an event as a channel would deliver it. */
  async send(event: FlowEvent): Promise<Turn> {
    if (this.seed !== undefined) {
      const ttl = this.options.fixture.tenant.sessionTtlSeconds;
      await this.sessions.set(this.key, this.seed, ttl);
      this.seed = undefined;
    }
    this.logs.clear();
    const result = await this.runner.handle(this.message(event));
    if (result.status !== 'handled') {
      throw new Error(
        `the turn ended ${result.status}, not handled: ${this.logs.problems()}`,
      );
    }
    this.stored = await this.sessions.get(this.key);
    this.language = result.language;
    this.remember(result.replies);
    return toTurn(result);
  }

  /** What a person types; the engine maps digits and `menu`/`0`. */
  type(text: string): Promise<Turn> {
    return this.send({ type: 'user.text', text });
  }

  /** A tap on an option (a WhatsApp list reply). */
  choose(optionId: string): Promise<Turn> {
    return this.send({ type: 'user.choice', optionId });
  }

  /** Option ids of the last menu, in order. */
  get optionIds(): string[] {
    const options = this.lastMenuReply?.options ?? [];
    return numberOptions(options).map(({ option }) => option.id);
  }

  /**
   * A second conversation of the same contact whose session store starts
   * with this one's stored session, and whose locks and de-duplicator are
   * fresh: a turn retried after a crash that kept the old session.
   */
  fork(): Conversation {
    const copy = new Conversation(this.options);
    copy.seed = this.stored;
    copy.stored = this.stored;
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

  /** The flow snapshot as the engine stored it, decoded again. */
  get persisted(): { value: unknown; context: Record<string, unknown> } {
    const decoded = decodeEnvelope(this.storedSession(), customerFlow);
    if (!decoded.isUsable) {
      throw new Error(`the stored session is ${decoded.reason}`);
    }
    return decoded.envelope.snapshot as unknown as {
      value: unknown;
      context: Record<string, unknown>;
    };
  }

  /** Size of the stored session in bytes, as the store keeps it. */
  get storedBytes(): number {
    return Buffer.byteLength(this.storedSession());
  }

  private storedSession(): string {
    if (this.stored === undefined) {
      throw new Error('no session is stored: no turn yet, or it ended');
    }
    return this.stored;
  }

  private message(event: FlowEvent): InboundMessage {
    return {
      id: randomUUID(),
      tenantId: this.options.fixture.tenant.id,
      channel: this.options.channel ?? 'sim',
      contact: this.options.contact,
      event,
      receivedAt: Date.now(),
    };
  }

  // Like the engine's stored menu: a turn that says nothing keeps the last
  // menu, a turn without a menu clears it.
  private remember(replies: Reply[]): void {
    if (replies.length === 0) return;
    this.lastMenuReply = replies.findLast(
      (reply): reply is MenuReply => reply.kind === 'menu',
    );
  }
}

function toTurn(result: TurnResult): Turn {
  return {
    replies: result.replies,
    keys: result.replies.map((reply) => reply.text.key),
    text: result.replies
      .map((reply) => renderText(reply, result.language))
      .join('\n'),
    isEnded: result.isEnded,
    failures: result.failures,
  };
}

function renderText(reply: Reply, language: Language): string {
  const head = translate(language, reply.text);
  if (reply.kind !== 'menu') return head;
  const rows = numberOptions(reply.options).map(
    ({ digits, option }) => `${digits}. ${translate(language, option.label)}`,
  );
  return [head, ...rows].join('\n');
}

/**
 * A real logger that keeps the engine's warnings and errors of the current
 * turn, so a test that fails on an unhandled turn shows why.
 */
function captureEngineLogs(): {
  logger: Logger;
  clear(): void;
  problems(): string;
} {
  let lines: string[] = [];
  const logger = createLogger({
    level: 'warn',
    destination: { write: (line: string) => lines.push(line) },
  });
  return {
    logger,
    clear: () => {
      lines = [];
    },
    problems: () =>
      lines.map(describeLine).join('; ') || 'the engine logged nothing',
  };
}

function describeLine(line: string): string {
  const record = JSON.parse(line) as {
    msg?: string;
    code?: string;
    err?: { message?: string };
  };
  return [record.msg, record.code, record.err?.message]
    .filter(Boolean)
    .join(' ');
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
