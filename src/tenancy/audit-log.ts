import type { Queryable } from './api-keys.ts';

/** How an audited action ended. */
export type AuditOutcome = 'allowed' | 'refused' | 'failed';

/** One entry for control.audit_log. */
export interface AuditEntry {
  /** The tenant the action was done by or for, when there is one. */
  tenantId?: string | null;
  /** Who acted: `admin`, `apikey:<id>`, `cli`, `system`. */
  actor: string;
  /** What was tried, dotted: `admin.tenant.read`, `tenant.move`. */
  action: string;
  outcome: AuditOutcome;
  /** What it was aimed at: a slug, a key id. */
  target?: string | null;
  /** Extra facts; scrubbed of phone numbers and secrets before storing. */
  detail?: Record<string, unknown>;
}

/** An entry as read back. */
export interface AuditRecord {
  id: string;
  at: Date;
  tenantId: string | null;
  actor: string;
  action: string;
  outcome: AuditOutcome;
  target: string | null;
  detail: Record<string, unknown>;
}

/** The part of the control plane the audit functions need. */
export interface AuditStore {
  pool: Queryable;
}

const REDACTED = '[redacted]';
/** Field names whose values are secrets or personal data whatever they hold. */
const SECRET_FIELD =
  /phone|token|secret|password|authori[sz]ation|apikey|^key$|cookie/i;
/**
 * Values that look like a phone number: the whole value once separators are
 * removed, or a free-standing run of digits inside text (a run glued to
 * letters or dashes, as in a UUID, is left alone).
 */
const WHOLE_PHONE = /^\+?\d{9,15}$/;
const PHONE_IN_TEXT = /(?<![\w-])\+?\d{9,15}(?![\w-])/;
const API_KEY_LIKE = /wk_[A-Za-z0-9_-]{8,}/;
const MAX_DEPTH = 4;

/**
 * Copies `detail` with secrets and phone numbers replaced, so a careless
 * caller cannot put them into the audit log: by field name (phone, token,
 * secret...) and by value (anything shaped like a phone number or a key).
 */
export function scrubAuditDetail(
  detail: Record<string, unknown>,
): Record<string, unknown> {
  return scrubObject(detail, 0);
}

function scrubObject(
  value: Record<string, unknown>,
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, inner] of Object.entries(value)) {
    out[field] = SECRET_FIELD.test(field) ? REDACTED : scrubValue(inner, depth);
  }
  return out;
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    const isPhoneLike =
      WHOLE_PHONE.test(value.replace(/[\s()-]/g, '')) ||
      PHONE_IN_TEXT.test(value);
    return isPhoneLike || API_KEY_LIKE.test(value) ? REDACTED : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  return scrubObject(value as Record<string, unknown>, depth + 1);
}

/**
 * Writes one audit entry. Lower layers throw on failure; the boundary that
 * calls this decides whether a failed audit write may fail the request.
 */
export async function writeAudit(
  cp: AuditStore,
  entry: AuditEntry,
): Promise<void> {
  await cp.pool.query(
    `INSERT INTO control.audit_log
       (tenant_id, actor, action, outcome, target, detail)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
    [
      entry.tenantId ?? null,
      entry.actor,
      entry.action,
      entry.outcome,
      entry.target ?? null,
      JSON.stringify(scrubAuditDetail(entry.detail ?? {})),
    ],
  );
}

/** The newest audit entries of one tenant, newest first. */
export async function listAudit(
  cp: AuditStore,
  tenantId: string,
  options: { limit?: number } = {},
): Promise<AuditRecord[]> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
  const { rows } = await cp.pool.query<{
    id: string;
    at: Date;
    tenant_id: string | null;
    actor: string;
    action: string;
    outcome: AuditOutcome;
    target: string | null;
    detail: Record<string, unknown>;
  }>(
    `SELECT id::text AS id, at, tenant_id, actor, action, outcome, target, detail
     FROM control.audit_log WHERE tenant_id = $1
     ORDER BY at DESC, id DESC LIMIT $2`,
    [tenantId, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    tenantId: row.tenant_id,
    actor: row.actor,
    action: row.action,
    outcome: row.outcome,
    target: row.target,
    detail: row.detail,
  }));
}
