import type { Server } from 'node:http';
import { createLogger, setPhoneHashKey } from '../shared/logger.ts';
import { WakalaError } from '../shared/errors.ts';
import { loadConfig } from './config.ts';
import { createServices, type Services } from './create-services.ts';
import { createApp } from './http/create-app.ts';

export interface ProcessRoles {
  /** Serve HTTP (webhooks, USSD, admin API, health). */
  http: boolean;
  /** Run the queue workers (WhatsApp inbound and outbound). */
  workers: boolean;
}

/**
 * Starts a Wakala process with the given roles and keeps it running until
 * SIGTERM or SIGINT, then closes servers, workers and connections in order
 * so in-flight work finishes. Returns the exit code for a start-up failure.
 */
export async function runProcess(roles: ProcessRoles): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  setPhoneHashKey(config.secretKey);

  let services: Services;
  try {
    services = await createServices({
      config,
      logger,
      keyPrefix: config.WAKALA_REDIS_PREFIX,
    });
  } catch (error) {
    logger.fatal({ err: error, code: codeOf(error) }, 'start-up failed');
    return 1;
  }

  let isReady = false;
  // The embedded demo's queues live in this process, so this process must
  // work them whichever command started it.
  const isRunningWorkers = roles.workers || config.isEmbedded;
  const whatsapp = services.whatsapp ?? services.inProcessWhatsapp;
  const workers = isRunningWorkers ? whatsapp?.startWorkers() : undefined;
  if (isRunningWorkers && !whatsapp) {
    logger.info('no WhatsApp channel configured: no queue workers to run');
  }
  const server = roles.http ? await listen(services, () => isReady) : undefined;
  isReady = true;
  logger.info(
    {
      port: roles.http ? config.PORT : undefined,
      roles,
      isEmbedded: config.isEmbedded,
    },
    'wakala ready',
  );

  await waitForSignal();
  logger.info('shutting down');
  isReady = false;
  if (server) await new Promise((resolve) => server.close(resolve));
  if (workers)
    await Promise.all([workers.inbound.close(), workers.outbound.close()]);
  await services.close();
  return 0;
}

async function listen(
  services: Services,
  isReady: () => boolean,
): Promise<Server> {
  const app = createApp({
    logger: services.logger,
    routers: services.routers,
    isReady,
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(services.config.PORT, () => resolve(server));
    server.once('error', reject);
  });
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
}

function codeOf(error: unknown): string {
  return error instanceof WakalaError ? error.code : 'internal';
}
