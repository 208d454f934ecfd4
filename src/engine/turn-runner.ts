import { randomUUID } from 'node:crypto';
import {
  WakalaError,
  errorCode,
  hashPhone,
  withLogFields,
  type Logger,
} from '../shared/index.ts';
import { currentTenant, type ResolvedTenant } from '../tenancy/index.ts';
import type { ConversationLocks } from './conversation-locks.ts';
import { createTurnStore } from './create-turn-store.ts';
import type { FlowDefinition } from './flow-definition.ts';
import { startFlowStep, type FlowStep, type OpenTurn } from './flow-step.ts';
import type { InboundDeduplicator } from './inbound-deduplicator.ts';
import type { InboundMessage } from './inbound-event.ts';
import { EngineKeys, conversationOf } from './keys.ts';
import { KeyedSerialiser } from './keyed-serialiser.ts';
import type { SessionStore } from './session-store.ts';
import { peekLanguage } from './turn-session.ts';
import {
  APOLOGY_REPLY,
  turnResult,
  type HandleOptions,
  type Turn,
  type TurnResult,
  type TurnRunner,
} from './turn-result.ts';

export interface TurnRunnerOptions {
  sessions: SessionStore;
  locks: ConversationLocks;
  dedupe: InboundDeduplicator;
  /** The flow that drives this message's conversation. */
  selectFlow(message: InboundMessage): FlowDefinition;
  /** Runs `fn` inside the tenant's scope (tenancy's `withTenantId`). */
  runInTenant<T>(tenantId: string, fn: () => Promise<T>): Promise<T>;
  /** The tenant; by default `currentTenant()` inside `runInTenant`. */
  loadTenant?(tenantId: string): Promise<ResolvedTenant>;
  logger: Logger;
  /** Epoch milliseconds, stored as the session's `updatedAt`. */
  clock?: () => number;
  newId?: () => string;
  /** Budget when `handle` is given none; 15 s unless set. */
  defaultBudgetMs?: number;
  /** Lock expiry; a turn is abandoned shortly before it. 30 s unless set. */
  lockTtlMs?: number;
  /** Longest wait for a busy conversation; 10 s unless set. */
  lockWaitMs?: number;
  /**
   * Called when a turn that answered `timed_out` has finished after all
   * (handled or failed), so a channel that can still speak (WhatsApp) may
   * send its replies. Errors it throws are logged, never rethrown.
   */
  onLateResult?(message: InboundMessage, result: TurnResult): Promise<void>;
}

/**
 * Creates the turn runner. For each inbound event it queues behind earlier
 * events of the same conversation in this process, takes the conversation
 * lock (which keeps other processes out), drops an id already handled,
 * restores the flow, sends the event, waits until the flow has settled,
 * saves the session, marks the id handled and releases the lock.
 *
 * The store work goes through a TurnStore (`createTurnStore`): when the
 * three stores are the Redis ones on one connection and prefix, taking the
 * lock, the duplicate check and the session read are one Lua script, and
 * the session write, the handled mark and the release another, so a turn
 * costs two Redis round trips instead of six.
 *
 * Order across processes is the callers' part: a channel hands one
 * conversation's events to one consumer at a time and in order (WhatsApp
 * sorts by timestamp per contact; USSD has one request in flight per
 * session). The lock guarantees that turns never interleave.
 *
 * A turn that outlives its budget answers `timed_out` at once and goes on
 * holding the lock; when its flow settles it is saved as usual. A flow
 * still running shortly before the lock would expire is abandoned unsaved.
 */
export function createTurnRunner(options: TurnRunnerOptions): TurnRunner {
  const log = options.logger.child({ module: 'engine' });
  const serialiser = new KeyedSerialiser();
  const keys = new EngineKeys();
  const newId = options.newId ?? randomUUID;
  const defaultBudgetMs = options.defaultBudgetMs ?? 15_000;
  const lockTtlMs = options.lockTtlMs ?? 30_000;
  const lockWaitMs = options.lockWaitMs ?? 10_000;
  const deps = {
    store: createTurnStore(options),
    clock: options.clock ?? Date.now,
  };

  async function handle(
    message: InboundMessage,
    handleOptions: HandleOptions = {},
  ): Promise<TurnResult> {
    const budgetMs = handleOptions.budgetMs ?? defaultBudgetMs;
    const fields = {
      tenantId: message.tenantId,
      channel: message.channel,
      turnId: newId(),
      messageId: message.id,
      contactHash: hashPhone(message.contact.id),
    };
    const turn: Turn = {
      id: fields.turnId,
      message,
      // The fields reach every line through withLogFields (the logger's
      // mixin); a child logger with them too would print each key twice.
      log,
      deadline: performance.now() + budgetMs,
      language: 'en',
    };
    try {
      const queueKey = keys.lock(conversationOf(message));
      return await withLogFields(fields, () =>
        serialiser.run(queueKey, () =>
          options.runInTenant(message.tenantId, () => runTurn(turn)),
        ),
      );
    } catch (error) {
      const isRetryable = error instanceof WakalaError && error.isRetryable;
      withLogFields(fields, () =>
        turn.log.error({ err: error, code: errorCode(error) }, 'turn failed'),
      );
      return turnResult(turn, 'failed', [APOLOGY_REPLY], { isRetryable });
    }
  }

  async function runTurn(turn: Turn): Promise<TurnResult> {
    const { message } = turn;
    const tenant = options.loadTenant
      ? await options.loadTenant(message.tenantId)
      : currentTenant();
    turn.language = tenant.defaultLanguage;
    const flow = options.selectFlow(message);
    const conversation = conversationOf(message);
    const opening = await deps.store.begin(conversation, message.id, {
      ttlMs: lockTtlMs,
      waitMs: Math.max(0, Math.min(lockWaitMs, remainingMs(turn))),
    });
    if (opening.kind === 'busy') {
      turn.language =
        (await peekLanguage(options.sessions, conversation, flow)) ??
        turn.language;
      turn.log.warn({ code: 'engine.conversation_busy' }, 'conversation busy');
      return turnResult(turn, 'failed', [APOLOGY_REPLY], { isRetryable: true });
    }
    if (opening.kind === 'duplicate') {
      // The repeat gets the first answer again and changes nothing, so a
      // caller that lost the replies (a retried USSD request) can resend.
      turn.log.info('duplicate message dropped');
      const { handled } = opening;
      turn.language = handled.language;
      return turnResult(turn, 'duplicate', handled.replies, {
        isEnded: handled.isEnded,
      });
    }
    const open: OpenTurn = { ...opening, isReleased: false };
    // The margin before the lock's expiry makes sure no other turn can take
    // the lock while this one might still be saving.
    const hardLimit =
      performance.now() + lockTtlMs - Math.min(1000, lockTtlMs / 10);
    let isHandedOver = false;
    try {
      const step = startFlowStep(deps, turn, tenant, flow, open);
      const outcome = await within(step.flowTurn.settled, remainingMs(turn));
      if (outcome) return await step.finish(outcome);
      isHandedOver = true;
      void finishLate(turn, step, open, hardLimit).then((late) =>
        reportLate(turn, late),
      );
      return turnResult(turn, 'timed_out', []);
    } finally {
      if (!isHandedOver) await release(turn, open);
    }
  }

  async function reportLate(
    turn: Turn,
    late: TurnResult | undefined,
  ): Promise<void> {
    if (!late || !options.onLateResult) return;
    try {
      await options.onLateResult(turn.message, late);
    } catch (error) {
      turn.log.error(
        { err: error, code: errorCode(error) },
        'late result not delivered',
      );
    }
  }

  return { handle };
}

/** Lets a turn that outlived its budget finish, then frees the lock. */
async function finishLate(
  turn: Turn,
  step: FlowStep,
  open: OpenTurn,
  hardLimit: number,
): Promise<TurnResult | undefined> {
  turn.log.warn('turn over budget');
  try {
    const outcome = await within(
      step.flowTurn.settled,
      hardLimit - performance.now(),
    );
    if (outcome) {
      const late = await step.finish(outcome);
      turn.log.info({ status: late.status }, 'late turn finished');
      return late;
    }
    step.flowTurn.actor.stop();
    turn.log.error({ code: 'engine.turn_abandoned' }, 'turn abandoned');
  } catch (error) {
    turn.log.error({ err: error, code: errorCode(error) }, 'late turn failed');
  } finally {
    await release(turn, open);
  }
  return undefined;
}

/** Frees the lock unless the turn's finish already released it. */
async function release(turn: Turn, open: OpenTurn): Promise<void> {
  if (open.isReleased) return;
  try {
    if (!(await open.lock.release())) {
      turn.log.warn({ code: 'engine.lock_expired' }, 'lock expired early');
    }
  } catch (error) {
    turn.log.warn({ err: error, code: errorCode(error) }, 'lock not released');
  }
}

function remainingMs(turn: Turn): number {
  return turn.deadline - performance.now();
}

/**
 * The promise's value, or undefined when it took longer than `ms`. A plain
 * timer rather than an aborted `timers/promises` sleep: aborting builds an
 * AbortError with a stack trace on every turn, which showed in profiles.
 */
async function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms), undefined);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
