import { createHash } from 'node:crypto';
import express, { type Router } from 'express';
import type { Logger } from '../../shared/index.ts';
import type { JobSink } from './job-queue.ts';
import type { InboundJobData } from './whatsapp-ports.ts';
import { isValidSignature } from './signature.ts';

export interface WhatsappRouterOptions {
  appSecret: string;
  verifyToken: string;
  /** Where payloads go: BullMQ's Queue or the in-process queue. */
  inboundQueue: JobSink<InboundJobData>;
  logger: Logger;
}

/**
 * The webhook endpoint Meta calls, mounted at the app's root: `GET
 * /webhooks/whatsapp` answers the verification handshake, `POST` checks the
 * signature over the raw bytes and answers 200 as soon as the payload is
 * queued. The body is read raw here (not by a JSON parser), because the
 * signature covers the bytes exactly as sent (PROTOCOLS.md 1.2).
 */
export function createWhatsappRouter(options: WhatsappRouterOptions): Router {
  const { appSecret, verifyToken, inboundQueue, logger } = options;
  const router = express.Router();

  router.get('/webhooks/whatsapp', (req, res) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (
      mode === 'subscribe' &&
      token === verifyToken &&
      typeof challenge === 'string'
    ) {
      res.status(200).type('text/plain').send(challenge);
      return;
    }
    logger.warn({ mode }, 'whatsapp verification refused');
    res.status(403).json({
      error: {
        code: 'whatsapp.verify_refused',
        message: 'The verify token does not match.',
      },
    });
  });

  router.post(
    '/webhooks/whatsapp',
    express.raw({ type: '*/*', limit: '3mb' }),
    async (req, res) => {
      const body: unknown = req.body;
      const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      if (!isValidSignature(raw, req.get('x-hub-signature-256'), appSecret)) {
        logger.warn(
          { bytes: raw.length },
          'whatsapp webhook signature refused',
        );
        res.status(401).json({
          error: {
            code: 'whatsapp.signature_invalid',
            message:
              'X-Hub-Signature-256 is missing or does not match the body.',
          },
        });
        return;
      }
      // A re-delivery of the same payload gets the same job id, which the
      // queue ignores while the first copy is still kept: duplicates stop
      // here.
      const jobId = createHash('sha256').update(raw).digest('hex').slice(0, 40);
      try {
        await inboundQueue.add(
          'payload',
          { body: raw.toString('utf8') },
          { jobId },
        );
      } catch (error) {
        // Not queued means not safe: a non-200 makes Meta deliver it again.
        logger.error({ err: error }, 'whatsapp webhook not queued');
        res.status(503).json({
          error: {
            code: 'whatsapp.queue_unavailable',
            message: 'The payload could not be queued; Meta will retry.',
          },
        });
        return;
      }
      res.status(200).send('OK');
    },
  );

  return router;
}
