import express, {
  type NextFunction,
  type Request,
  type Response,
  type Router,
} from 'express';
import { errorCode, InputError } from '../../shared/errors.ts';
import { translate } from '../../i18n/index.ts';
import type { Logger } from '../../shared/logger.ts';
import { africasTalkingGateway } from './gateways/africas-talking.ts';
import { MIN_SCREEN_LIMIT } from './render-ussd-screen.ts';
import { UssdConversation } from './ussd-conversation.ts';
import type { UssdGateway } from './ussd-gateway.ts';
import type { TurnRunner } from '../../engine/index.ts';
import type { UssdTenantResolver } from './ussd-ports.ts';
import type { UssdStore } from './ussd-store.ts';

/** Options of `createUssdRouter`. */
export interface CreateUssdRouterOptions {
  /** Finds the tenant of a service code (the tenancy resolver fits). */
  resolveTenant: UssdTenantResolver;
  turnRunner: TurnRunner;
  /** Session positions and last shops (`createRedisUssdStore`). */
  store: UssdStore;
  logger: Logger;
  /** The gateway format; Africa's Talking by default. */
  gateway?: UssdGateway;
  /** Mount path of the callback inside the router. */
  path?: string;
  /** Time from request to answer (default 2000 ms). */
  budgetMs?: number;
  /** Screen limit in GSM-7 characters (default 160). */
  limit?: number;
  /** Rewrite texts into GSM-7 (default true; see renderUssdScreen). */
  transliterate?: boolean;
  /** Largest form body accepted (default `2kb`, far above a real one). */
  bodyLimit?: string;
  clock?: () => number;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * The USSD gateway callback as an Express 5 router (`POST /ussd`). Bad
 * requests get a `400`/`413`/`415` naming the problem; an unknown service
 * code gets a polite `END` screen; everything else one turn of the tenant's
 * flow, answered within the budget.
 */
export function createUssdRouter(options: CreateUssdRouterOptions): Router {
  const logger = options.logger.child({ module: 'ussd', channel: 'ussd' });
  const gateway = options.gateway ?? africasTalkingGateway;
  const clock = options.clock ?? Date.now;
  const limit = options.limit ?? 160;
  if (limit < MIN_SCREEN_LIMIT) {
    throw new InputError(
      'ussd.limit_too_small',
      `The USSD screen limit must be at least ${MIN_SCREEN_LIMIT} characters.`,
    );
  }
  const conversation = new UssdConversation({
    resolveTenant: options.resolveTenant,
    turnRunner: options.turnRunner,
    store: options.store,
    logger,
    budgetMs: options.budgetMs ?? 2000,
    render: { limit, transliterate: options.transliterate ?? true },
    clock,
  });

  const router = express.Router();
  router.post(
    options.path ?? '/ussd',
    (req: Request, res: Response, next: NextFunction) => {
      res.locals.startedAt = clock();
      if (!req.is(FORM_TYPE)) {
        refuse(res, 415, `Content-Type must be ${FORM_TYPE}.`);
        logger.warn({ reason: 'content_type' }, 'ussd request refused');
        return;
      }
      next();
    },
    express.urlencoded({
      extended: false,
      limit: options.bodyLimit ?? '2kb',
      parameterLimit: 20,
    }),
    async (req: Request, res: Response) => {
      const startedAt = res.locals.startedAt as number | undefined;
      const request = gateway.parse(
        (req.body ?? {}) as Record<string, unknown>,
      );
      const response = await conversation.answer(request, startedAt ?? clock());
      const { contentType, body } = gateway.format(response);
      res.status(200).type(contentType).send(body);
    },
  );
  router.use(
    (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) {
        next(error);
        return;
      }
      const { status, message } = describeError(error, options.bodyLimit);
      if (status >= 500) {
        // An HTTP error would end the session with the gateway's own
        // message; the person gets ours, and the operator the log line.
        logger.error({ err: error, code: errorCode(error) }, 'ussd failed');
        const screen = translate('en', { key: 'ussd:error' });
        const { contentType, body } = gateway.format({ screen, isEnd: true });
        res.status(200).type(contentType).send(body);
        return;
      } else {
        logger.warn(
          { reason: errorCode(error), status, detail: message },
          'ussd request refused',
        );
      }
      refuse(res, status, message);
    },
  );
  return router;
}

function refuse(res: Response, status: number, message: string): void {
  res.status(status).type('text/plain; charset=utf-8').send(message);
}

/** The status and one-sentence message for an error reaching the router. */
function describeError(
  error: unknown,
  bodyLimit = '2kb',
): { status: number; message: string } {
  if (error instanceof InputError) {
    return { status: 400, message: error.message };
  }
  const parserError = error as { type?: string; status?: number };
  switch (parserError.type) {
    case 'entity.too.large':
      return {
        status: 413,
        message: `Request body is larger than ${bodyLimit}.`,
      };
    case 'parameters.too.many':
      return { status: 413, message: 'Request has too many form fields.' };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return {
        status: 415,
        message: 'Request body must be UTF-8 form data, uncompressed.',
      };
    case 'request.aborted':
      return { status: 400, message: 'Request body was cut off.' };
  }
  if (parserError.status === 400) {
    return { status: 400, message: 'Request body is not valid form data.' };
  }
  return { status: 500, message: 'The USSD service failed.' };
}
