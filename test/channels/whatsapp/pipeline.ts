import type { InboundMessage } from '../../../src/engine/inbound-event.ts';
import type { Reply } from '../../../src/flows/reply.ts';
import {
  createWhatsappChannel,
  type WhatsappChannel,
  type WhatsappChannelOptions,
  type WhatsappTurnRunner,
} from '../../../src/channels/whatsapp/index.ts';
import type { FakeGraphApi } from '../../support/fake-graph-api.ts';
import { quietLogger, type WhatsappFixture } from './whatsapp-fixture.ts';
import { DEMO_PHONE_NUMBER_ID } from './webhook-builder.ts';

/**
 * A stand-in for the engine's turn runner at the channel's edge: it keeps
 * the engine's contract (one effect per message id, replies in order) and
 * records what it was given, so the channel's ordering can be observed.
 */
export class RecordingTurnRunner implements WhatsappTurnRunner {
  readonly handled: InboundMessage[] = [];
  readonly #seen = new Set<string>();
  reply: (message: InboundMessage) => Reply[] = (message) => [
    {
      kind: 'text',
      text: {
        key: `echo ${message.event.type === 'user.text' ? message.event.text : message.event.type}`,
      },
    },
  ];

  handle(message: InboundMessage) {
    const turnId = `turn-${message.id}`;
    if (this.#seen.has(message.id))
      return Promise.resolve({
        status: 'duplicate',
        replies: [],
        language: 'en' as const,
        turnId,
      });
    this.#seen.add(message.id);
    this.handled.push(message);
    return Promise.resolve({
      status: 'handled',
      replies: this.reply(message),
      language: 'en' as const,
      turnId,
    });
  }
}

/** Starts the channel against the fixture's tenant and the fake Graph API. */
export function startChannel(
  fixture: WhatsappFixture,
  graph: FakeGraphApi,
  turnRunner: WhatsappTurnRunner,
  overrides: Partial<WhatsappChannelOptions> = {},
): WhatsappChannel {
  const channel = createWhatsappChannel({
    redis: fixture.redis,
    config: { graphUrl: graph.url, graphVersion: 'v25.0' },
    keyPrefix: fixture.keyPrefix,
    resolver: {
      byWhatsappPhoneNumberId: (id) =>
        Promise.resolve(
          id === DEMO_PHONE_NUMBER_ID
            ? { kind: 'tenant', tenant: fixture.tenant }
            : { kind: 'unknown' },
        ),
    },
    turnRunner,
    runInTenant: fixture.runInTenant,
    accessToken: () => Promise.resolve('test-access-token'),
    logger: quietLogger,
    orderingGraceMs: 100,
    backoffDelayMs: 50,
    ...overrides,
  });
  return channel;
}

/** Waits until `check` holds, polling; fails with `what` after the timeout. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
