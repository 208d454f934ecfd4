import type { Snapshot } from 'xstate';
import { numberOptions, type Reply } from '../flows/index.ts';
import type { FlowDefinition } from './flow-definition.ts';

/** Version of the envelope's own layout; bump when its fields change. */
export const ENGINE_FORMAT_VERSION = 1;

/** The digits of one option of the last menu and the option's id. */
export type MenuEntry = [digits: string, optionId: string];

/**
 * What the session store keeps for a conversation: the flow's persisted
 * snapshot plus what the engine needs around it. It records two versions
 * (the engine's format and the flow's), so a snapshot that would no longer
 * fit its machine is recognised and dropped rather than restored.
 */
export interface SessionEnvelope {
  v: typeof ENGINE_FORMAT_VERSION;
  flowId: string;
  flowVersion: number;
  /** `actor.getPersistedSnapshot()` taken at a settled state. */
  snapshot: Snapshot<unknown>;
  /** The last menu sent, so a typed digit can become its option id. */
  menu: MenuEntry[];
  /** Epoch milliseconds of the turn that wrote it. */
  updatedAt: number;
}

/** Why a stored session could not be used. */
export type StaleReason =
  'unreadable' | 'engine_version' | 'other_flow' | 'flow_version';

export type DecodedSession =
  | { isUsable: true; envelope: SessionEnvelope }
  | { isUsable: false; reason: StaleReason };

/** Serialises an envelope for the session store. */
export function encodeEnvelope(envelope: SessionEnvelope): string {
  return JSON.stringify(envelope);
}

/**
 * Parses a stored session and checks that it belongs to `flow` at its
 * current version. Never throws: whatever is stored, the caller gets
 * either an envelope or the reason to start afresh.
 */
export function decodeEnvelope(
  raw: string,
  flow: Pick<FlowDefinition, 'id' | 'version'>,
): DecodedSession {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { isUsable: false, reason: 'unreadable' };
  }
  if (!isEnvelopeShape(parsed))
    return { isUsable: false, reason: 'unreadable' };
  if (parsed.v !== ENGINE_FORMAT_VERSION) {
    return { isUsable: false, reason: 'engine_version' };
  }
  if (parsed.flowId !== flow.id)
    return { isUsable: false, reason: 'other_flow' };
  if (parsed.flowVersion !== flow.version) {
    return { isUsable: false, reason: 'flow_version' };
  }
  return { isUsable: true, envelope: parsed };
}

function isEnvelopeShape(value: unknown): value is SessionEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.v === 'number' &&
    typeof record.flowId === 'string' &&
    typeof record.flowVersion === 'number' &&
    typeof record.snapshot === 'object' &&
    record.snapshot !== null &&
    Array.isArray(record.menu) &&
    record.menu.every(
      (entry) =>
        Array.isArray(entry) &&
        entry.length === 2 &&
        typeof entry[0] === 'string' &&
        typeof entry[1] === 'string',
    ) &&
    typeof record.updatedAt === 'number'
  );
}

/**
 * The menu a contact now sees: the last menu among a turn's replies, or
 * none. A turn without a menu clears it, so that a number typed in answer
 * to a question (a quantity) stays text instead of matching an old option.
 */
export function menuOf(replies: readonly Reply[]): MenuEntry[] {
  const menu = replies.findLast((reply) => reply.kind === 'menu');
  if (!menu) return [];
  return numberOptions(menu.options).map(({ digits, option }) => [
    digits,
    option.id,
  ]);
}
