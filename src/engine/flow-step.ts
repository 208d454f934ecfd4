import { WakalaError } from '../shared/index.ts';
import type { ResolvedTenant } from '../tenancy/index.ts';
import type { FlowDefinition } from './flow-definition.ts';
import { startFlowTurn, type FlowTurn } from './flow-turn.ts';
import type { HeldLock } from './conversation-locks.ts';
import { conversationOf } from './keys.ts';
import { mapInboundEvent } from './map-inbound-event.ts';
import type { SessionEnvelope } from './session-envelope.ts';
import type { TurnStore } from './turn-store.ts';
import {
  APOLOGY_REPLY,
  turnResult,
  type Turn,
  type TurnResult,
} from './turn-result.ts';
import {
  languageOf,
  readSession,
  settledSession,
  type SavedTurn,
} from './turn-session.ts';
import type { SettleOutcome } from './when-settled.ts';

export interface FlowStepDeps {
  store: TurnStore;
  clock: () => number;
}

/** A turn that holds its conversation's lock and has read its session. */
export interface OpenTurn {
  lock: HeldLock;
  /** The stored session as the turn store read it under the lock. */
  session: string | undefined;
  /** True once `finish` has released the lock together with its writes. */
  isReleased: boolean;
}

/**
 * A flow actor that has received the turn's event, and how to finish the
 * turn once its work settles (save, mark handled and release in one step,
 * or report failure and leave the release to the caller). The caller
 * holds the lock throughout and decides how long to wait.
 */
export interface FlowStep {
  flowTurn: FlowTurn;
  finish(outcome: SettleOutcome): Promise<TurnResult>;
}

/**
 * Restores the session read under the lock, maps the event and starts the
 * flow actor on it. A snapshot that will not restore is dropped and the
 * flow starts afresh, as for a session of an older flow version.
 */
export function startFlowStep(
  deps: FlowStepDeps,
  turn: Turn,
  tenant: ResolvedTenant,
  flow: FlowDefinition,
  open: OpenTurn,
): FlowStep {
  const { message } = turn;
  const envelope = readSession(open.session, flow, turn.log);
  turn.language = languageOf(envelope) ?? turn.language;
  const start = { contact: message.contact, channel: message.channel, tenant };
  const event = mapInboundEvent(message.event, envelope?.menu ?? []);
  let flowTurn = startFlowTurn({ flow, envelope, start, event });
  if (!flowTurn) {
    turn.log.warn(
      { reason: 'restore_failed', flowId: flow.id },
      'session dropped',
    );
    flowTurn = startFlowTurn({ flow, envelope: undefined, start, event });
  }
  if (!flowTurn) {
    throw new WakalaError(
      'engine.flow_start_failed',
      `Flow ${flow.id} could not start from a fresh state; check its machine.`,
    );
  }
  const running = flowTurn;
  return {
    flowTurn: running,
    finish: (outcome) =>
      finishFlowStep(
        deps,
        { turn, tenant, flow, envelope, flowTurn: running, open },
        outcome,
      ),
  };
}

interface RunningStep {
  turn: Turn;
  tenant: ResolvedTenant;
  flow: FlowDefinition;
  envelope: SessionEnvelope | undefined;
  flowTurn: FlowTurn;
  open: OpenTurn;
}

async function finishFlowStep(
  deps: FlowStepDeps,
  step: RunningStep,
  outcome: SettleOutcome,
): Promise<TurnResult> {
  const { turn, flow, flowTurn, open } = step;
  if (!outcome.isSettled) {
    flowTurn.actor.stop();
    // The old session stays as it was and the id stays unmarked, so the
    // conversation goes on from before this turn and a retry can run.
    turn.log.error(
      { err: outcome.error, code: 'engine.flow_failed', flowId: flow.id },
      'flow failed',
    );
    return turnResult(turn, 'failed', [APOLOGY_REPLY]);
  }
  let saved: SavedTurn;
  try {
    saved = settledSession({
      flow,
      flowTurn,
      previousMenu: step.envelope?.menu ?? [],
      ttlSeconds: step.tenant.sessionTtlSeconds,
      now: deps.clock(),
    });
  } finally {
    flowTurn.actor.stop();
  }
  turn.language = saved.language ?? turn.language;
  const isReleased = await deps.store.finish(
    conversationOf(turn.message),
    open.lock,
    {
      session: saved.session,
      messageId: turn.message.id,
      handled: {
        replies: flowTurn.replies,
        language: turn.language,
        isEnded: saved.isEnded,
      },
    },
  );
  // The store released the lock with the writes. Should `finish` throw
  // instead, the flag stays false and the caller still releases, so a
  // failed write does not leave the conversation locked until expiry.
  open.isReleased = true;
  if (!isReleased) {
    turn.log.warn({ code: 'engine.lock_expired' }, 'lock expired early');
  }
  logFlowFailures(turn, flow, flowTurn.failures);
  turn.log.info(
    { flowId: flow.id, bytes: saved.bytes, replies: flowTurn.replies.length },
    'turn completed',
  );
  return turnResult(turn, 'handled', flowTurn.replies, {
    isEnded: saved.isEnded,
    failures: flowTurn.failures,
  });
}

/**
 * A flow that catches its own error (a database call failed) apologises
 * and carries on, so the turn succeeds; the on-call person still needs to
 * see each one, with the tenant and turn ids the turn's logger carries.
 */
function logFlowFailures(
  turn: Turn,
  flow: FlowDefinition,
  failures: readonly string[],
): void {
  for (const code of failures) {
    turn.log.error(
      { code, flowId: flow.id },
      'flow step failed; the contact got an apology and the conversation goes on',
    );
  }
}
