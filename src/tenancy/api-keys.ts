import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';

/** Anything that runs a query: a pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** The part of the control plane the API-key functions need. */
export interface ApiKeyStore {
  pool: Queryable;
}

/** A freshly made key: `key` is shown once and never stored. */
export interface CreatedApiKey {
  id: string;
  key: string;
  prefix: string;
}

/** A key that checked out: which key it was and whose. */
export interface VerifiedApiKey {
  id: string;
  tenantId: string;
}

export interface CreateApiKeyOptions {
  /** Run inside the caller's transaction (provisioning) instead of the pool. */
  client?: Queryable;
}

const KEY_PREFIX = 'wk_';
const SECRET_BYTES = 32;
/** `wk_` plus 43 base64url characters for 32 random bytes. */
const KEY_PATTERN = /^wk_[A-Za-z0-9_-]{43}$/;
/** How much of a key is kept in clear so a person can tell keys apart. */
const DISPLAY_PREFIX_LENGTH = 10;

/** SHA-256 hex of the whole key: the only form of a key that is stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Makes a new API key for a tenant and stores only its SHA-256 hash and a
 * short display prefix; the returned `key` cannot be recovered later.
 */
export async function createApiKey(
  cp: ApiKeyStore,
  tenantId: string,
  label = 'default',
  options: CreateApiKeyOptions = {},
): Promise<CreatedApiKey> {
  const key = KEY_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  const id = `ak_${randomBytes(8).toString('hex')}`;
  const prefix = key.slice(0, DISPLAY_PREFIX_LENGTH);
  await (options.client ?? cp.pool).query(
    `INSERT INTO control.api_keys (id, tenant_id, key_hash, key_prefix, label)
     VALUES ($1, $2, $3, $4, $5)`,
    [id, tenantId, hashApiKey(key), prefix, label],
  );
  return { id, key, prefix };
}

/**
 * Finds the live key matching `key`. The lookup goes by hash, so timing says
 * nothing about how much of a guess was right; the final comparison is
 * constant-time anyway as a second guard. Revoked keys are refused.
 */
export async function findApiKey(
  cp: ApiKeyStore,
  key: string,
): Promise<VerifiedApiKey | null> {
  if (!KEY_PATTERN.test(key)) return null;
  const hash = hashApiKey(key);
  const { rows } = await cp.pool.query<{
    id: string;
    tenant_id: string;
    key_hash: string;
  }>(
    `SELECT id, tenant_id, key_hash FROM control.api_keys
     WHERE key_hash = $1 AND revoked_at IS NULL`,
    [hash],
  );
  const row = rows[0];
  if (!row) return null;
  const isSame = timingSafeEqual(
    Buffer.from(row.key_hash, 'hex'),
    Buffer.from(hash, 'hex'),
  );
  return isSame ? { id: row.id, tenantId: row.tenant_id } : null;
}

/** The tenant id a live key belongs to, or null for an unknown or revoked key. */
export async function verifyApiKey(
  cp: ApiKeyStore,
  key: string,
): Promise<string | null> {
  const found = await findApiKey(cp, key);
  return found?.tenantId ?? null;
}

/**
 * Revokes a key so it is refused from now on; the row stays for the audit
 * trail. Returns false when no live key had that id.
 */
export async function revokeApiKey(
  cp: ApiKeyStore,
  keyId: string,
): Promise<boolean> {
  const result = await cp.pool.query(
    `UPDATE control.api_keys SET revoked_at = now()
     WHERE id = $1 AND revoked_at IS NULL`,
    [keyId],
  );
  return (result.rowCount ?? 0) > 0;
}
