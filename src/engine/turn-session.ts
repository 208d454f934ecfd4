import type { Logger } from '../shared/index.ts';
import { isLanguage, type Language } from '../i18n/index.ts';
import type { Reply } from '../flows/index.ts';
import type { FlowDefinition } from './flow-definition.ts';
import type { ConversationKey } from './keys.ts';
import type { SessionStore } from './session-store.ts';
import {
  ENGINE_FORMAT_VERSION,
  decodeEnvelope,
  encodeEnvelope,
  menuOf,
  type MenuEntry,
  type SessionEnvelope,
} from './session-envelope.ts';
import type { FlowTurn } from './flow-turn.ts';
import type { TurnCommit } from './turn-store.ts';

/**
 * Reads a conversation's stored session (as the turn store returned it)
 * for `flow`. A session that is unreadable, of another engine format,
 * another flow or another flow version is dropped with a log line and the
 * conversation starts afresh: a deploy that changes a flow must never crash
 * conversations already under way.
 */
export function readSession(
  raw: string | undefined,
  flow: FlowDefinition,
  log: Logger,
): SessionEnvelope | undefined {
  if (raw === undefined) return undefined;
  const decoded = decodeEnvelope(raw, flow);
  if (decoded.isUsable) return decoded.envelope;
  log.info(
    { reason: decoded.reason, flowId: flow.id, flowVersion: flow.version },
    'session dropped',
  );
  return undefined;
}

/** What a settled turn leaves behind. */
export interface SavedTurn {
  language: Language | undefined;
  isEnded: boolean;
  bytes: number;
  /** The encoded session to write, or null to delete it (flow is done). */
  session: TurnCommit['session'];
}

export interface SettledSessionOptions {
  flow: FlowDefinition;
  flowTurn: FlowTurn;
  /** The menu stored before this turn; kept when the turn said nothing. */
  previousMenu: readonly MenuEntry[];
  ttlSeconds: number;
  now: number;
}

/**
 * The session to keep after a settled turn, or null when the flow reached
 * a final state (the conversation is over; the next message starts
 * afresh), with the contact's language and whether the conversation
 * ended, for the caller's result. Take it before stopping the actor: the
 * snapshot of a stopped actor is not one to restore from.
 */
export function settledSession(options: SettledSessionOptions): SavedTurn {
  const { flowTurn } = options;
  const snapshot = flowTurn.actor.getSnapshot() as {
    status: string;
    context?: { language?: unknown };
  };
  const language = snapshot.context?.language;
  const saved: SavedTurn = {
    language: isLanguage(language) ? language : undefined,
    isEnded: snapshot.status === 'done' || hasEnd(flowTurn.replies),
    bytes: 0,
    session: null,
  };
  if (snapshot.status === 'done') return saved;
  const envelope: SessionEnvelope = {
    v: ENGINE_FORMAT_VERSION,
    flowId: options.flow.id,
    flowVersion: options.flow.version,
    snapshot: flowTurn.actor.getPersistedSnapshot(),
    menu:
      flowTurn.replies.length === 0
        ? [...options.previousMenu]
        : menuOf(flowTurn.replies),
    updatedAt: options.now,
  };
  const value = encodeEnvelope(envelope, options.flow);
  saved.session = { value, ttlSeconds: options.ttlSeconds };
  saved.bytes = Buffer.byteLength(value);
  return saved;
}

function hasEnd(replies: readonly Reply[]): boolean {
  return replies.some((reply) => reply.kind === 'end');
}

/** The language stored in a session's snapshot context, if any. */
export function languageOf(
  envelope: SessionEnvelope | undefined,
): Language | undefined {
  const context = (envelope?.snapshot as { context?: { language?: unknown } })
    ?.context;
  return isLanguage(context?.language) ? context.language : undefined;
}

/**
 * The contact's language from the stored session, read without the lock
 * (to apologise in it when the conversation is busy). Never throws.
 */
export async function peekLanguage(
  sessions: SessionStore,
  conversation: ConversationKey,
  flow: FlowDefinition,
): Promise<Language | undefined> {
  try {
    const raw = await sessions.get(conversation);
    if (raw === undefined) return undefined;
    const decoded = decodeEnvelope(raw, flow);
    return decoded.isUsable ? languageOf(decoded.envelope) : undefined;
  } catch {
    return undefined;
  }
}
