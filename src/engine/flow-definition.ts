import type { AnyStateMachine } from 'xstate';
import type { ResolvedTenant } from '../tenancy/index.ts';
import type { Channel, Contact } from './inbound-event.ts';

/** What a flow needs to build the input of a fresh conversation. */
export interface FlowStart {
  contact: Contact;
  channel: Channel;
  tenant: ResolvedTenant;
}

/**
 * A flow the turn runner can drive. The machine speaks by emitting
 * `{ type: 'reply', reply }` (XState `emit`), reports a step it answered
 * with an apology by emitting `{ type: 'flow.failed', code }` (logged by
 * the engine, since the turn itself succeeds), keeps `language` in its
 * context and ends the conversation by reaching a final state. Its context
 * must be JSON-safe, and every invoked actor registered by name in
 * `setup({ actors })`, or its snapshot cannot be restored.
 */
export interface FlowDefinition {
  /** Stable name stored with each session (`customer`). */
  id: string;
  /**
   * Bump when states or context change so that an older snapshot would no
   * longer restore correctly; sessions of another version start afresh.
   */
  version: number;
  machine: AnyStateMachine;
  /** Input for a fresh actor (contact, channel, tenant defaults). */
  createInput(start: FlowStart): unknown;
  /**
   * Context values a fresh conversation starts with (nulls, first pages).
   * Stored sessions leave out fields still at these values and get them
   * back on restore, which keeps sessions small. Changing a default
   * changes what older sessions restore to: bump `version` with it.
   */
  contextDefaults?: Readonly<Record<string, unknown>>;
}
