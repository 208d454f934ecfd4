import type { Language } from '../i18n/index.ts';
import type { Reply } from '../flows/index.ts';
import type { ConversationKey } from './keys.ts';

/** Seven days: Meta re-delivers an unanswered webhook for up to a week. */
export const DEFAULT_HANDLED_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * What a handled turn answered, kept with its message id so that a repeat
 * can be answered the same way (a USSD gateway retrying a request, a
 * worker that died before sending the replies).
 */
export interface HandledTurn {
  replies: Reply[];
  language: Language;
  isEnded: boolean;
}

/**
 * Remembers which inbound message ids were handled, so a re-delivered
 * message has no second effect. The turn runner marks while it holds the
 * conversation lock (a message id always belongs to one conversation), and
 * only after the turn succeeded: a turn that crashed or failed half-way can
 * run again when the message comes back. It asks under the lock too, or,
 * on Redis, in the same atomic script that would take the lock
 * (RedisTurnStore): a mark is written in one step with the session and the
 * release, so a mark that exists belongs to a turn that is over.
 */
export interface InboundDeduplicator {
  /** The handled turn of this message id, or undefined if there is none. */
  findHandled(
    conversation: ConversationKey,
    messageId: string,
  ): Promise<HandledTurn | undefined>;
  /** Marks the id handled with its answer; false when it already was. */
  markHandled(
    conversation: ConversationKey,
    messageId: string,
    turn: HandledTurn,
  ): Promise<boolean>;
}

/** Reads a stored HandledTurn; an unreadable value still counts as handled. */
export function parseHandledTurn(raw: string): HandledTurn {
  try {
    const parsed = JSON.parse(raw) as Partial<HandledTurn>;
    if (Array.isArray(parsed.replies) && typeof parsed.language === 'string') {
      return parsed as HandledTurn;
    }
  } catch {
    // Falls through: the id was handled even if its answer is lost.
  }
  return { replies: [], language: 'en', isEnded: false };
}
