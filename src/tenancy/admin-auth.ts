import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import {
  ForbiddenError,
  NotFoundError,
  WakalaError,
} from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { findApiKey } from './api-keys.ts';
import { writeAudit } from './audit-log.ts';
import type { ControlPlane } from './control-plane.ts';
import { getTenantBySlug, toResolvedTenant } from './tenant-directory.ts';

// Authentication and authorisation of the admin API, and its error answers.

/** Who is calling: the platform admin, or one tenant through its API key. */
export type AdminCaller =
  { kind: 'admin' } | { kind: 'tenant'; tenantId: string; keyId: string };

/** Set by the authentication step, read by the routes. */
const callers = new WeakMap<Request, AdminCaller>();

/** Reads the bearer token: the admin token or a live tenant API key. */
export function authenticate(options: {
  controlPlane: ControlPlane;
  adminToken: string;
}): RequestHandler {
  const adminDigest = digest(options.adminToken);
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new ForbiddenError(
        'admin.auth_missing',
        'Send an Authorization: Bearer <token> header with the platform admin token or a tenant API key.',
        { httpStatus: 401 },
      );
    }
    const token = match[1];
    if (
      options.adminToken !== '' &&
      timingSafeEqual(digest(token), adminDigest)
    ) {
      callers.set(req, { kind: 'admin' });
      next();
      return;
    }
    const key = await findApiKey(options.controlPlane, token);
    if (!key) {
      throw new ForbiddenError(
        'admin.auth_invalid',
        'The bearer token is neither the platform admin token nor a live tenant API key.',
        { httpStatus: 401 },
      );
    }
    callers.set(req, { kind: 'tenant', tenantId: key.tenantId, keyId: key.id });
    next();
  };
}

/** Hashing first gives both sides the same length for the constant-time compare. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function callerOf(req: Request): AdminCaller {
  const caller = callers.get(req);
  if (!caller) {
    throw new WakalaError(
      'admin.no_caller',
      'The admin request reached a route unauthenticated.',
    );
  }
  return caller;
}

/** Refuses (and audits) a tenant key on a platform-admin-only route. */
export async function requireAdmin(
  cp: ControlPlane,
  req: Request,
  action: string,
  target: string | undefined,
  logger: Logger,
): Promise<void> {
  const caller = callerOf(req);
  if (caller.kind === 'admin') return;
  await auditRefusal(cp, caller, action, target ?? null, req, logger);
  throw new ForbiddenError(
    'admin.forbidden',
    'This action needs the platform admin token; a tenant API key may only read its own tenant.',
  );
}

/**
 * Returns the id of the tenant named by `:slug` when the caller may act on
 * it. A tenant key naming any other slug is refused before the slug is even
 * looked up, so a key cannot learn which slugs exist.
 */
export async function authoriseSlug(
  cp: ControlPlane,
  req: Request,
  action: string,
  logger: Logger,
): Promise<string> {
  const { slug } = req.params;
  if (typeof slug !== 'string') throw tenantNotFound('');
  const caller = callerOf(req);
  if (caller.kind === 'tenant') {
    const own = await cp.db.tenant.findUnique({
      where: { id: caller.tenantId },
      select: { slug: true },
    });
    if (own?.slug === slug) return caller.tenantId;
    await auditRefusal(cp, caller, action, slug, req, logger);
    throw new ForbiddenError(
      'admin.forbidden_tenant',
      `This API key belongs to another tenant and may not access tenant ${slug}.`,
    );
  }
  const row = await getTenantBySlug(cp, slug);
  if (!row) throw tenantNotFound(slug);
  return toResolvedTenant(row).id;
}

/**
 * Writes the refusal to the audit log. The answer is 403 either way; a
 * failed audit write is logged loudly rather than turned into a 500 that
 * would hide the refusal from the caller.
 */
async function auditRefusal(
  cp: ControlPlane,
  caller: Extract<AdminCaller, { kind: 'tenant' }>,
  action: string,
  target: string | null,
  req: Request,
  logger: Logger,
): Promise<void> {
  try {
    await writeAudit(cp, {
      tenantId: caller.tenantId,
      actor: `apikey:${caller.keyId}`,
      action,
      outcome: 'refused',
      target,
      detail: { method: req.method, path: req.baseUrl + req.path },
    });
  } catch (error) {
    logger.error(
      { err: error, action, keyId: caller.keyId },
      'audit write failed',
    );
  }
  logger.warn(
    { action, keyId: caller.keyId, tenantId: caller.tenantId },
    'cross-tenant access refused',
  );
}

export function tenantNotFound(slug: string): NotFoundError {
  return new NotFoundError(
    'admin.tenant_not_found',
    `No tenant has the slug ${slug}.`,
  );
}

/**
 * Answers errors as `{ error: { code, message } }` with the WakalaError's
 * status; malformed JSON is a 400. Exported for apps that parse JSON before
 * the router, whose parse errors never reach the router's own handler.
 */
export function adminErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof WakalaError) {
      if (error.httpStatus >= 500)
        logger.error({ err: error, path: req.path }, 'admin request failed');
      res
        .status(error.httpStatus)
        .json({ error: { code: error.code, message: error.message } });
      return;
    }
    const parserStatus = (error as { status?: unknown; type?: unknown }).status;
    if (
      typeof parserStatus === 'number' &&
      parserStatus >= 400 &&
      parserStatus < 500
    ) {
      const isMalformed =
        (error as { type?: unknown }).type === 'entity.parse.failed';
      res.status(parserStatus).json({
        error: {
          code: isMalformed ? 'admin.malformed_json' : 'admin.bad_request',
          message: isMalformed
            ? 'The request body is not valid JSON.'
            : 'The request body was refused.',
        },
      });
      return;
    }
    logger.error({ err: error, path: req.path }, 'admin request failed');
    res.status(500).json({
      error: {
        code: 'internal',
        message: 'Internal error; the failure was logged.',
      },
    });
  };
}
