import express, { type Router } from 'express';
import { InputError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import {
  adminErrorHandler,
  authenticate,
  authoriseSlug,
  callerOf,
  requireAdmin,
} from './admin-auth.ts';
import { listAudit, writeAudit } from './audit-log.ts';
import type { ControlPlane } from './control-plane.ts';
import { provisionTenant } from './provision-tenant.ts';
import type { ProvisionRequest } from './provision-request.ts';
import {
  listTenants,
  toResolvedTenant,
  type TenantListing,
} from './tenant-directory.ts';
import type { ResolutionInvalidator } from './tenant-resolver.ts';

export { adminErrorHandler, type AdminCaller } from './admin-auth.ts';

/** Options of `createAdminRouter`. */
export interface AdminRouterOptions {
  controlPlane: ControlPlane;
  /** Told about the numbers of each new tenant, which may be cached as unknown. */
  resolver?: ResolutionInvalidator;
  /** WAKALA_ADMIN_TOKEN; an empty token lets nobody in as platform admin. */
  adminToken: string;
  logger: Logger;
}

const PROVISION_FIELDS = [
  'name',
  'tier',
  'ownerPhone',
  'slug',
  'defaultLanguage',
  'whatsappPhoneNumberId',
  'whatsappNumber',
  'whatsappAccessToken',
  'ussdCode',
  'sharedUssdCode',
  'storeCode',
  'requestKey',
] as const;
const REQUIRED_FIELDS = new Set(['name', 'tier', 'ownerPhone']);

/**
 * The admin HTTP API, mounted at `/admin`. The platform admin token may do
 * everything; a tenant API key only reads its own tenant, and any attempt
 * on another tenant is answered 403 and written to the audit log. It parses
 * its own JSON and answers its own errors as `{ error: { code, message } }`.
 */
export function createAdminRouter(options: AdminRouterOptions): Router {
  const cp = options.controlPlane;
  const logger = options.logger.child({ module: 'admin-router' });
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));
  router.use(authenticate(options));

  router.post('/tenants', async (req, res) => {
    await requireAdmin(cp, req, 'admin.tenant.create', undefined, logger);
    const request = readProvisionRequest(req.body, req.get('idempotency-key'));
    const result = await provisionTenant(
      cp,
      request,
      options.resolver ? { invalidator: options.resolver } : {},
    );
    if (result.isNew) {
      await writeAudit(cp, {
        tenantId: result.tenant.id,
        actor: 'admin',
        action: 'admin.tenant.create',
        outcome: 'allowed',
        target: result.tenant.slug,
        detail: { tier: result.tenant.tier, shardId: result.tenant.shardId },
      });
    }
    res.status(result.isNew ? 201 : 200).json({
      id: result.tenant.id,
      slug: result.tenant.slug,
      tier: result.tenant.tier,
      shard: result.shard.name,
      apiKey: result.apiKey ?? null,
      webhookUrls: result.webhookUrls,
      isNew: result.isNew,
    });
  });

  router.get('/tenants', async (req, res) => {
    const caller = callerOf(req);
    const visible =
      caller.kind === 'admin'
        ? await listTenants(cp)
        : [await loadListing(cp, caller.tenantId)];
    res.json({ tenants: visible.map(tenantView) });
  });

  router.get('/tenants/:slug', async (req, res) => {
    const tenantId = await authoriseSlug(cp, req, 'admin.tenant.read', logger);
    res.json({ tenant: tenantView(await loadListing(cp, tenantId)) });
  });

  router.get('/tenants/:slug/audit', async (req, res) => {
    const tenantId = await authoriseSlug(cp, req, 'admin.audit.read', logger);
    const entries = await listAudit(cp, tenantId, { limit: 200 });
    res.json({ entries });
  });

  router.use(adminErrorHandler(logger));
  return router;
}

/** Checks the body's shape; provisioning itself checks the values. */
function readProvisionRequest(
  body: unknown,
  idempotencyKey: string | undefined,
): ProvisionRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError(
      'admin.body_invalid',
      'Send a JSON object describing the tenant.',
    );
  }
  const fields = body as Record<string, unknown>;
  for (const [field, value] of Object.entries(fields)) {
    if (!(PROVISION_FIELDS as readonly string[]).includes(field)) {
      throw new InputError(
        'admin.field_unknown',
        `Field ${field} is not known; allowed: ${PROVISION_FIELDS.join(', ')}.`,
      );
    }
    if (typeof value !== 'string') {
      throw new InputError(
        'admin.field_invalid',
        `Field ${field} must be a string.`,
      );
    }
  }
  for (const field of REQUIRED_FIELDS) {
    if (fields[field] === undefined) {
      throw new InputError(
        'admin.field_missing',
        `Field ${field} is required.`,
      );
    }
  }
  const request = { ...fields } as unknown as ProvisionRequest;
  if (idempotencyKey) request.requestKey = idempotencyKey;
  return request;
}

/** One tenant with its shard and numbers, as `listTenants` gives each. */
async function loadListing(
  cp: ControlPlane,
  tenantId: string,
): Promise<TenantListing> {
  const [row, whatsapp, ussd, store] = await Promise.all([
    cp.db.tenant.findUniqueOrThrow({ where: { id: tenantId } }),
    cp.db.whatsappNumber.findMany({
      where: { tenantId },
      orderBy: { displayNumber: 'asc' },
    }),
    cp.db.ussdCode.findMany({
      where: { tenantId },
      orderBy: { serviceCode: 'asc' },
    }),
    cp.db.storeCode.findMany({
      where: { tenantId },
      orderBy: { serviceCode: 'asc' },
    }),
  ]);
  const shard = await cp.db.shard.findUnique({ where: { id: row.shardId } });
  return {
    tenant: toResolvedTenant(row),
    shardName: shard?.name ?? row.shardId,
    shardKind: shard?.kind ?? 'unknown',
    createdAt: row.createdAt,
    whatsappNumbers: whatsapp.map(({ phoneNumberId, displayNumber }) => ({
      phoneNumberId,
      displayNumber,
    })),
    ussdCodes: ussd.map((code) => code.serviceCode),
    storeCodes: store.map(({ serviceCode, storeCode }) => ({
      serviceCode,
      storeCode,
    })),
  };
}

function tenantView(listing: TenantListing) {
  const { tenant } = listing;
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    tier: tenant.tier,
    status: tenant.status,
    shard: {
      id: tenant.shardId,
      name: listing.shardName,
      kind: listing.shardKind,
    },
    whatsappNumbers: listing.whatsappNumbers,
    ussdCodes: listing.ussdCodes,
    storeCodes: listing.storeCodes,
    createdAt: listing.createdAt.toISOString(),
  };
}
