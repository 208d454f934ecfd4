import type pg from 'pg';
import { WakalaError } from '../shared/errors.ts';

// The copying half of a tenant move: ordering tables, locking them against
// writes, copying rows and sequences between databases and counting them.

/** Rows of one table before and after the copy. */
export interface TableCount {
  table: string;
  sourceRows: number;
  targetRows: number;
}

const BATCH_ROWS = 1000;

/** Every table of the schema, parents before children, so FKs hold on insert. */
export async function tablesInFkOrder(
  pool: pg.Pool,
  schemaName: string,
): Promise<string[]> {
  const tables = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'
      ORDER BY c.relname`,
    [schemaName],
  );
  const edges = await pool.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = $1 AND k.conrelid <> k.confrelid`,
    [schemaName],
  );
  const remaining = new Set(tables.rows.map((t) => t.name));
  const ordered: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter((table) =>
      edges.rows.every((e) => e.child !== table || !remaining.has(e.parent)),
    );
    if (ready.length === 0) {
      throw new WakalaError(
        'tenancy.move_fk_cycle',
        `The tables of ${schemaName} reference each other in a cycle; the move cannot order them.`,
      );
    }
    for (const table of ready) {
      ordered.push(table);
      remaining.delete(table);
    }
  }
  return ordered;
}

/**
 * Opens a transaction on `source` and takes EXCLUSIVE locks on the tables:
 * reads go on, writes wait. Taking the lock waits for open writers first.
 */
export async function lockSchemaTables(
  source: pg.PoolClient,
  schemaName: string,
  tables: string[],
  timeoutMs: number,
): Promise<void> {
  await source.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  await source.query(`SELECT set_config('lock_timeout', $1, true)`, [
    `${timeoutMs}ms`,
  ]);
  const list = tables.map((t) => `${q(schemaName)}.${q(t)}`).join(', ');
  // READ COMMITTED is enough: with every table locked against writes, each
  // statement after the lock sees the final rows.
  if (list !== '') await source.query(`LOCK TABLE ${list} IN EXCLUSIVE MODE`);
}

/** Refuses to copy between schemas at different migration versions. */
export async function assertSameMigrations(
  source: pg.PoolClient,
  targetPool: pg.Pool,
  schemaName: string,
): Promise<void> {
  const sql = `SELECT string_agg(version, ',' ORDER BY version) AS v FROM ${q(schemaName)}.schema_migrations`;
  const [from, to] = await Promise.all([
    source.query<{ v: string }>(sql),
    targetPool.query<{ v: string }>(sql),
  ]);
  if (from.rows[0]?.v !== to.rows[0]?.v) {
    throw new WakalaError(
      'tenancy.move_schema_behind',
      `Schema ${schemaName} is not at the latest migration; run wakala migrate, then move again.`,
    );
  }
}

/** Copies one table in batches through JSON, in one target transaction. */
export async function copyTable(
  source: pg.PoolClient,
  targetPool: pg.Pool,
  schemaName: string,
  table: string,
): Promise<number> {
  const name = `${q(schemaName)}.${q(table)}`;
  const cursor = `move_${table}`;
  await source.query(
    `DECLARE ${q(cursor)} NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS r FROM ${name} t`,
  );
  const client = await targetPool.connect();
  let copied = 0;
  try {
    await client.query('BEGIN');
    for (;;) {
      const batch = await source.query<{ r: string }>(
        `FETCH ${BATCH_ROWS} FROM ${q(cursor)}`,
      );
      if (batch.rows.length === 0) break;
      await client.query(
        `INSERT INTO ${name} OVERRIDING SYSTEM VALUE
         SELECT * FROM json_populate_recordset(NULL::${name}, $1::json)`,
        [`[${batch.rows.map((row) => row.r).join(',')}]`],
      );
      copied += batch.rows.length;
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
    await source.query(`CLOSE ${q(cursor)}`).catch(() => undefined);
  }
  return copied;
}

/**
 * Gives every identity or serial sequence in the new schema the old one's
 * exact state, so numbers (order numbers) continue and are never reused.
 */
export async function copySequences(
  source: pg.PoolClient,
  targetPool: pg.Pool,
  schemaName: string,
): Promise<void> {
  const { rows } = await source.query<{ seq: string }>(
    `SELECT s.relname AS seq FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
      WHERE n.nspname = $1 AND s.relkind = 'S'`,
    [schemaName],
  );
  for (const { seq } of rows) {
    const name = `${q(schemaName)}.${q(seq)}`;
    const state = await source.query<{
      last_value: string;
      is_called: boolean;
    }>(`SELECT last_value, is_called FROM ${name}`);
    const row = state.rows[0];
    if (row)
      await targetPool.query(`SELECT setval($1::regclass, $2, $3)`, [
        name,
        row.last_value,
        row.is_called,
      ]);
  }
}

/** Counts a table on both sides; a difference stops the move. */
export async function countBoth(
  source: pg.PoolClient,
  targetPool: pg.Pool,
  schemaName: string,
  table: string,
): Promise<TableCount> {
  const sql = `SELECT count(*)::int AS n FROM ${q(schemaName)}.${q(table)}`;
  const [from, to] = await Promise.all([
    source.query<{ n: number }>(sql),
    targetPool.query<{ n: number }>(sql),
  ]);
  const count = {
    table,
    sourceRows: from.rows[0]?.n ?? -1,
    targetRows: to.rows[0]?.n ?? -2,
  };
  if (count.sourceRows !== count.targetRows) {
    throw new WakalaError(
      'tenancy.move_count_mismatch',
      `Table ${table} has ${count.sourceRows} rows in the old schema but ${count.targetRows} in the new database.`,
    );
  }
  return count;
}

/** Quotes an identifier that came from the catalog or our own naming. */
export function q(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
