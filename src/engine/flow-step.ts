import { WakalaError } from '../shared/index.ts';
import type { ResolvedTenant } from '../tenancy/index.ts';
import type { FlowDefinition } from './flow-definition.ts';
import { startFlowTurn, type FlowTurn } from './flow-turn.ts';
import type { InboundDeduplicator } from './inbound-deduplicator.ts';
import { conversationOf } from './keys.ts';
import { mapInboundEvent } from './map-inbound-event.ts';
import type { SessionEnvelope } from './session-envelope.ts';
import type { SessionStore } from './session-store.ts';
import {
  APOLOGY_REPLY,
  turnResult,
  type Turn,
  type TurnResult,
} from './turn-result.ts';
import { languageOf, loadSession, saveSession } from './turn-session.ts';
import type { SettleOutcome } from './when-settled.ts';

export interface FlowStepDeps {
  sessions: SessionStore;
  dedupe: InboundDeduplicator;
  clock: () => number;
}

/**
 * A flow actor that has received the turn's event, and how to finish the
 * turn once its work settles (save and mark handled, or report failure).
 * The caller holds the lock throughout and decides how long to wait.
 */
export type FlowStep =
  | { kind: 'finished'; result: TurnResult }
  | {
      kind: 'running';
      flowTurn: FlowTurn;
      finish(outcome: SettleOutcome): Promise<TurnResult>;
    };

/**
 * Loads the session, drops a duplicate, maps the event and starts the flow
 * actor on it. A snapshot that will not restore is dropped and the flow
 * starts afresh, as for a session of an older flow version.
 */
export async function startFlowStep(
  deps: FlowStepDeps,
  turn: Turn,
  tenant: ResolvedTenant,
  flow: FlowDefinition,
): Promise<FlowStep> {
  const { message } = turn;
  const conversation = conversationOf(message);
  const envelope = await loadSession(
    deps.sessions,
    conversation,
    flow,
    turn.log,
  );
  turn.language = languageOf(envelope) ?? turn.language;
  const handled = await deps.dedupe.findHandled(conversation, message.id);
  if (handled) {
    // The repeat gets the first answer again and changes nothing, so a
    // caller that lost the replies (a retried USSD request) can resend them.
    turn.log.info('duplicate message dropped');
    turn.language = handled.language;
    return {
      kind: 'finished',
      result: turnResult(turn, 'duplicate', handled.replies, {
        isEnded: handled.isEnded,
      }),
    };
  }
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
    kind: 'running',
    flowTurn: running,
    finish: (outcome) =>
      finishFlowStep(
        deps,
        { turn, tenant, flow, envelope, flowTurn: running },
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
}

async function finishFlowStep(
  deps: FlowStepDeps,
  step: RunningStep,
  outcome: SettleOutcome,
): Promise<TurnResult> {
  const { turn, flow, flowTurn } = step;
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
  const conversation = conversationOf(turn.message);
  // Saved before stopping: the snapshot of a stopped actor is not one to
  // restore from.
  const saved = await saveSession({
    sessions: deps.sessions,
    conversation,
    flow,
    flowTurn,
    previousMenu: step.envelope?.menu ?? [],
    ttlSeconds: step.tenant.sessionTtlSeconds,
    now: deps.clock(),
  }).finally(() => flowTurn.actor.stop());
  turn.language = saved.language ?? turn.language;
  await deps.dedupe.markHandled(conversation, turn.message.id, {
    replies: flowTurn.replies,
    language: turn.language,
    isEnded: saved.isEnded,
  });
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
