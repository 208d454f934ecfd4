import { randomBytes } from 'node:crypto';
import {
  createControlPlane,
  type ControlPlane,
} from '../../src/tenancy/control-plane.ts';
import { migrateControlPlane } from '../../src/tenancy/migration-runner.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';

/** A migrated control plane on its own test database. */
export interface TestControlPlane {
  cp: ControlPlane;
  database: TestDatabase;
  close(): Promise<void>;
}

export const TEST_SECRET_KEY = 'test-secret-key-with-at-least-32-chars';

/** Creates a database, migrates the control plane and adds `shared-1`. */
export async function openTestControlPlane(
  label: string,
): Promise<TestControlPlane> {
  const database = await createTestDatabase(label);
  const cp = await createControlPlane({
    databaseUrl: database.url,
    secretKey: TEST_SECRET_KEY,
    logger: createLogger({ level: 'silent' }),
  });
  await migrateControlPlane(cp.pool);
  await cp.ensureSharedShard();
  return {
    cp,
    database,
    async close() {
      await cp.close();
      await database.drop();
    },
  };
}

/**
 * Adds a bare control.tenants row on `shared-1` (no schema): enough for
 * resolution, keys and audit tests, which never touch tenant data.
 */
export async function insertTenantRow(
  cp: ControlPlane,
  fields: { slug?: string; status?: string } = {},
): Promise<{ id: string; slug: string }> {
  const id = randomBytes(6).toString('hex');
  const slug = fields.slug ?? `shop-${id}`;
  await cp.pool.query(
    `INSERT INTO control.tenants
       (id, slug, name, tier, status, shard_id, schema_name, owner_phone)
     VALUES ($1, $2, $3, 'basic', $4, 'shared-1', $5, '+27821234567')`,
    [id, slug, `Shop ${id}`, fields.status ?? 'active', `tenant_${id}`],
  );
  return { id, slug };
}

/**
 * Rows for every tenant table, written with plain SQL in the tenant's
 * schema. Four orders are made and the newest deleted, so the order-number
 * sequence is ahead of the highest number left (a move must keep it).
 */
const FILL_SQL = `
INSERT INTO users (phone, role, language) VALUES
  ('+27820000001', 'customer', 'zu'), ('+27820000002', 'customer', 'en'),
  ('+27820000003', 'vendor', 'af'), ('+27820000004', 'driver', 'st');
INSERT INTO products (vendor_id, category_id, name, price_cents, stock_quantity)
  SELECT (SELECT id FROM users WHERE phone = '+27820000003'), c.id, 'Bread ' || c.name, 1850, 10
  FROM categories c;
INSERT INTO cart_items (user_id, product_id, quantity)
  SELECT (SELECT id FROM users WHERE phone = '+27820000001'), id, 2 FROM products LIMIT 2;
INSERT INTO orders (customer_id, fulfilment, payment_method, subtotal_cents, total_cents, channel, idempotency_key)
  SELECT (SELECT id FROM users WHERE phone = '+27820000001'), 'delivery', 'cash', 3700, 3700, 'whatsapp', 'order-' || n
  FROM generate_series(1, 4) AS n;
DELETE FROM orders WHERE idempotency_key = 'order-4';
INSERT INTO order_lines (order_id, product_id, product_name, unit_price_cents, quantity, line_total_cents)
  SELECT o.id, (SELECT id FROM products LIMIT 1), 'Bread', 1850, 2, 3700 FROM orders o;
INSERT INTO payments (order_id, provider, reference, amount_cents, status)
  SELECT id, 'cash', 'ref-' || idempotency_key, 3700, 'succeeded' FROM orders;
INSERT INTO deliveries (order_id, driver_id, status, address, latitude, longitude)
  SELECT id, (SELECT id FROM users WHERE phone = '+27820000004'), 'assigned', '12 Vilakazi St', -26.2385, 27.9081
  FROM orders WHERE idempotency_key = 'order-1';
INSERT INTO consents (contact_hash, user_id, purpose, is_granted, notice_version, channel)
  SELECT 'hash-' || phone, id, 'processing', true, 'v1', 'whatsapp' FROM users;
INSERT INTO whatsapp_outbound_messages (id, phone_number_id, contact_id, kind, payload, wamid)
  VALUES ('out-1', '100200300', 'contact-1', 'text', '{"text": "Sawubona"}', 'wamid.1');
INSERT INTO whatsapp_message_statuses (wamid, status, occurred_at) VALUES ('wamid.1', 'sent', now());
INSERT INTO whatsapp_contact_windows (contact_id, last_inbound_at) VALUES ('contact-1', now());
`;

/** Fills every table of a provisioned tenant's schema with a few rows. */
export async function fillEveryTable(
  cp: ControlPlane,
  tenant: { shardId: string; schemaName: string },
): Promise<void> {
  const pool = await cp.shards.poolFor(tenant.shardId);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL search_path TO "${tenant.schemaName}"`);
    await client.query(FILL_SQL);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** Rows per table of one schema. */
export async function countRows(
  cp: ControlPlane,
  shardId: string,
  schemaName: string,
  tables: string[],
): Promise<Record<string, number>> {
  const pool = await cp.shards.poolFor(shardId);
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schemaName}"."${table}"`,
    );
    counts[table] = rows[0]?.n ?? 0;
  }
  return counts;
}
