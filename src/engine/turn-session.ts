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

/**
 * Reads a conversation's session for `flow`. A session that is unreadable,
 * of another engine format, another flow or another flow version is
 * dropped with a log line and the conversation starts afresh: a deploy
 * that changes a flow must never crash conversations already under way.
 */
export async function loadSession(
  sessions: SessionStore,
  conversation: ConversationKey,
  flow: FlowDefinition,
  log: Logger,
): Promise<SessionEnvelope | undefined> {
  const raw = await sessions.get(conversation);
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
}

export interface SaveSessionOptions {
  sessions: SessionStore;
  conversation: ConversationKey;
  flow: FlowDefinition;
  flowTurn: FlowTurn;
  /** The menu stored before this turn; kept when the turn said nothing. */
  previousMenu: readonly MenuEntry[];
  ttlSeconds: number;
  now: number;
}

/**
 * Writes the session after a settled turn, or deletes it when the flow
 * reached a final state (the conversation is over; the next message starts
 * afresh). Returns the contact's language and whether the conversation
 * ended, for the caller's result.
 */
export async function saveSession(
  options: SaveSessionOptions,
): Promise<SavedTurn> {
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
  };
  if (snapshot.status === 'done') {
    await options.sessions.delete(options.conversation);
    return saved;
  }
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
  const encoded = encodeEnvelope(envelope, options.flow);
  await options.sessions.set(options.conversation, encoded, options.ttlSeconds);
  saved.bytes = Buffer.byteLength(encoded);
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
