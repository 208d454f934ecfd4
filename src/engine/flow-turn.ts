import { createActor, type Actor, type AnyStateMachine } from 'xstate';
import type { Reply } from '../flows/index.ts';
import type { FlowDefinition, FlowStart } from './flow-definition.ts';
import type { FlowEvent } from './inbound-event.ts';
import type { SessionEnvelope } from './session-envelope.ts';
import { whenSettled, type SettleOutcome } from './when-settled.ts';

/** One flow actor stepping through one turn. */
export interface FlowTurn {
  actor: Actor<AnyStateMachine>;
  /** Replies emitted so far, in order. */
  replies: Reply[];
  /** Codes of `flow.failed` events emitted so far. */
  failures: string[];
  /** Resolves when the flow's invoked work has settled or failed. */
  settled: Promise<SettleOutcome>;
}

export interface StartFlowTurnOptions {
  flow: FlowDefinition;
  /** The stored session to restore; undefined starts a fresh actor. */
  envelope: SessionEnvelope | undefined;
  start: FlowStart;
  /** The inbound event after mapping digits to options. */
  event: FlowEvent;
}

/**
 * Creates (or restores) the flow actor, starts it and sends the turn's
 * event. A fresh conversation always opens with `user.start`, whatever the
 * contact sent: a "hi", a USSD dial or a tap on a list from an expired
 * session all mean "begin", and the first text is not passed on (it would
 * land on a menu it was not typed for). Events from outside the
 * conversation (`system.*`) are delivered after that start.
 *
 * Returns undefined when a stored snapshot cannot be restored (its state no
 * longer exists in the machine), so the caller can start afresh.
 */
export function startFlowTurn(
  options: StartFlowTurnOptions,
): FlowTurn | undefined {
  const { envelope } = options;
  const actor = createFlowActor(options);
  if (!actor) return undefined;
  const replies: Reply[] = [];
  actor.on('reply', (emitted: { reply?: unknown }) => {
    if (isReply(emitted.reply)) replies.push(emitted.reply);
  });
  const failures: string[] = [];
  actor.on('flow.failed', (emitted: { code?: unknown }) => {
    failures.push(typeof emitted.code === 'string' ? emitted.code : 'unknown');
  });
  // An actor without an error observer rethrows its error globally, which
  // would crash the process; the settle check reads the error instead.
  actor.subscribe({ error: () => undefined });
  actor.start();
  if (envelope && actor.getSnapshot().status === 'error') {
    actor.stop();
    return undefined;
  }
  for (const event of eventsToSend(options.event, envelope === undefined)) {
    actor.send(event);
  }
  return { actor, replies, failures, settled: whenSettled(actor) };
}

function createFlowActor(
  options: StartFlowTurnOptions,
): Actor<AnyStateMachine> | undefined {
  const { flow, envelope } = options;
  if (!envelope) {
    return createActor(flow.machine, {
      input: flow.createInput(options.start),
    });
  }
  try {
    return createActor(flow.machine, { snapshot: envelope.snapshot });
  } catch {
    // A snapshot whose shape the machine rejects is treated like one of an
    // older version: the caller starts the conversation afresh.
    return undefined;
  }
}

function eventsToSend(event: FlowEvent, isFresh: boolean): FlowEvent[] {
  if (!isFresh) return [event];
  if (event.type.startsWith('system.')) return [{ type: 'user.start' }, event];
  return [{ type: 'user.start' }];
}

function isReply(value: unknown): value is Reply {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string'
  );
}
