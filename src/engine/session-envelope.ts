import type { Snapshot } from 'xstate';
import { numberOptions, type Reply } from '../flows/index.ts';
import type { FlowDefinition } from './flow-definition.ts';

/**
 * Version of the stored layout; bump when it changes. Version 2 stores the
 * snapshot compacted (see `compactSnapshot`) and the menu as one object.
 */
export const ENGINE_FORMAT_VERSION = 2;

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

/** The parts of a flow the envelope's encoding depends on. */
export type EnvelopeFlow = Pick<
  FlowDefinition,
  'id' | 'version' | 'contextDefaults'
>;

/** Why a stored session could not be used. */
export type StaleReason =
  'unreadable' | 'engine_version' | 'other_flow' | 'flow_version';

export type DecodedSession =
  | { isUsable: true; envelope: SessionEnvelope }
  | { isUsable: false; reason: StaleReason };

/** The stored form: the same fields, snapshot and menu compacted. */
interface StoredEnvelope {
  v: number;
  flowId: string;
  flowVersion: number;
  snapshot: Record<string, unknown>;
  menu: Record<string, string>;
  updatedAt: number;
}

type PlainObject = Record<string, unknown>;

/**
 * Serialises an envelope for the session store. Every session is read and
 * written on every turn and kept for thousands of contacts, so the parts
 * that can be rebuilt are left out: snapshot fields at XState's defaults
 * and context fields at the flow's declared defaults.
 */
export function encodeEnvelope(
  envelope: SessionEnvelope,
  flow: Pick<EnvelopeFlow, 'contextDefaults'>,
): string {
  const stored: StoredEnvelope = {
    ...envelope,
    snapshot: compactSnapshot(envelope.snapshot, flow.contextDefaults ?? {}),
    menu: Object.fromEntries(envelope.menu),
  };
  return JSON.stringify(stored);
}

/**
 * Parses a stored session and checks that it belongs to `flow` at its
 * current version. Never throws: whatever is stored, the caller gets
 * either an envelope or the reason to start afresh.
 */
export function decodeEnvelope(
  raw: string,
  flow: EnvelopeFlow,
): DecodedSession {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { isUsable: false, reason: 'unreadable' };
  }
  if (!isStoredShape(parsed)) return { isUsable: false, reason: 'unreadable' };
  if (parsed.v !== ENGINE_FORMAT_VERSION) {
    return { isUsable: false, reason: 'engine_version' };
  }
  if (parsed.flowId !== flow.id)
    return { isUsable: false, reason: 'other_flow' };
  if (parsed.flowVersion !== flow.version) {
    return { isUsable: false, reason: 'flow_version' };
  }
  const envelope: SessionEnvelope = {
    v: ENGINE_FORMAT_VERSION,
    flowId: parsed.flowId,
    flowVersion: parsed.flowVersion,
    snapshot: expandSnapshot(
      parsed.snapshot,
      flow.contextDefaults ?? {},
    ) as unknown as Snapshot<unknown>,
    menu: Object.entries(parsed.menu),
    updatedAt: parsed.updatedAt,
  };
  return { isUsable: true, envelope };
}

/** XState's persisted-snapshot fields and the values a restore assumes. */
const SNAPSHOT_DEFAULTS = { status: 'active', historyValue: {}, children: {} };

/**
 * Leaves out what `expandSnapshot` puts back: `status: 'active'`, empty
 * `historyValue` and `children`, and context fields equal to `defaults`
 * (compared as JSON, so `null` and numbers both count).
 */
export function compactSnapshot(
  snapshot: PlainObject,
  defaults: Readonly<PlainObject>,
): PlainObject {
  const compact: PlainObject = {};
  for (const [key, value] of Object.entries(snapshot)) {
    if (value === undefined) continue;
    if (
      key in SNAPSHOT_DEFAULTS &&
      isSame(value, SNAPSHOT_DEFAULTS[key as keyof typeof SNAPSHOT_DEFAULTS])
    )
      continue;
    compact[key] =
      key === 'context' && isPlainObject(value)
        ? withoutDefaults(value, defaults)
        : value;
  }
  return compact;
}

/** The inverse of `compactSnapshot`. */
export function expandSnapshot(
  stored: PlainObject,
  defaults: Readonly<PlainObject>,
): PlainObject {
  const snapshot: PlainObject = {
    ...structuredClone(SNAPSHOT_DEFAULTS),
    ...stored,
  };
  if (isPlainObject(stored.context)) {
    snapshot.context = { ...structuredClone(defaults), ...stored.context };
  }
  return snapshot;
}

function withoutDefaults(
  context: PlainObject,
  defaults: Readonly<PlainObject>,
): PlainObject {
  const kept: PlainObject = {};
  for (const [key, value] of Object.entries(context)) {
    if (key in defaults && isSame(value, defaults[key])) continue;
    kept[key] = value;
  }
  return kept;
}

function isSame(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStoredShape(value: unknown): value is StoredEnvelope {
  if (!isPlainObject(value)) return false;
  return (
    typeof value.v === 'number' &&
    typeof value.flowId === 'string' &&
    typeof value.flowVersion === 'number' &&
    isPlainObject(value.snapshot) &&
    isPlainObject(value.menu) &&
    Object.values(value.menu).every((id) => typeof id === 'string') &&
    typeof value.updatedAt === 'number'
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
