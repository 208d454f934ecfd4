import type { Logger } from '../shared/index.ts';
import type { Language } from '../i18n/index.ts';
import type { Reply } from '../flows/index.ts';
import type { InboundMessage } from './inbound-event.ts';

/** How one inbound event was handled. */
export interface TurnResult {
  status: 'handled' | 'duplicate' | 'timed_out' | 'failed';
  /** What to say to the contact, in order. */
  replies: Reply[];
  /** The contact's language after the turn, for rendering the replies. */
  language: Language;
  /** The conversation ended (USSD answers END). */
  isEnded: boolean;
  turnId: string;
  /**
   * True when the turn did not run at all (the conversation stayed busy
   * past the wait, or the tenant is briefly unavailable): the caller may
   * deliver the same message again later instead of sending the apology.
   */
  isRetryable: boolean;
  /**
   * Codes of the flow's own failures this turn (`flow.failed`): a step
   * that failed and answered with an apology while the turn went on.
   */
  failures: string[];
}

export interface HandleOptions {
  /** How long the caller can wait for the replies (USSD: a few seconds). */
  budgetMs?: number;
}

/** Handles inbound events one turn at a time per conversation. */
export interface TurnRunner {
  handle(message: InboundMessage, options?: HandleOptions): Promise<TurnResult>;
}

/** The one reply of a failed turn, translated in the contact's language. */
export const APOLOGY_REPLY: Reply = {
  kind: 'text',
  text: { key: 'common:error.apology' },
};

/** What the runner knows about the turn in progress. */
export interface Turn {
  id: string;
  message: InboundMessage;
  log: Logger;
  /** `performance.now()` value after which the caller stops waiting. */
  deadline: number;
  /** Best known language of the contact so far. */
  language: Language;
}

/** Builds a result for `turn`. */
export function turnResult(
  turn: Turn,
  status: TurnResult['status'],
  replies: Reply[],
  extra: { isEnded?: boolean; isRetryable?: boolean; failures?: string[] } = {},
): TurnResult {
  return {
    status,
    replies,
    language: turn.language,
    isEnded: extra.isEnded ?? false,
    turnId: turn.id,
    isRetryable: extra.isRetryable ?? false,
    failures: extra.failures ?? [],
  };
}
