import express, {
  type ErrorRequestHandler,
  type Express,
  type Router,
} from 'express';
import type { Logger } from '../../shared/logger.ts';
import { WakalaError } from '../../shared/errors.ts';

export interface CreateAppOptions {
  logger: Logger;
  /** Routers mounted by path: `/admin`, `/ussd`, `/webhooks/whatsapp`. */
  routers: Array<{ path: string; router: Router }>;
  /** Answers /healthz: 200 once everything the process needs is ready. */
  isReady: () => boolean;
}

/**
 * The HTTP app of one Wakala process. It holds no state of its own, so any
 * number of them can run behind a load balancer (DESIGN.md).
 */
export function createApp(options: CreateAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.get('/healthz', (_req, res) => {
    if (options.isReady()) res.status(200).json({ status: 'ok' });
    else res.status(503).json({ status: 'starting' });
  });

  for (const { path, router } of options.routers) app.use(path, router);

  app.use((req, res) => {
    res.status(404).json({
      error: {
        code: 'http.not_found',
        message: `No route for ${req.method} ${req.path}.`,
      },
    });
  });
  app.use(errorHandler(options.logger));
  return app;
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const status = httpStatusOf(error);
    if (status >= 500) {
      logger.error(
        { err: error, method: req.method, path: req.path },
        'request failed',
      );
    }
    res.status(status).json({
      error: {
        code: error instanceof WakalaError ? error.code : codeFor(status),
        message:
          status >= 500
            ? 'Internal error; the failure was logged.'
            : messageOf(error),
      },
    });
  };
}

/** Body-parser errors carry `status` (400 malformed, 413 too large, 415). */
function httpStatusOf(error: unknown): number {
  if (error instanceof WakalaError) return error.httpStatus;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 600
    ? status
    : 500;
}

function codeFor(status: number): string {
  if (status === 413) return 'http.body_too_large';
  if (status === 415) return 'http.unsupported_media_type';
  if (status === 400) return 'http.malformed_body';
  return 'internal';
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Bad request.';
}
