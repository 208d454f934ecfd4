import {
  createTurnRunner,
  type ConversationKey,
  type ConversationLocks,
  type FlowDefinition,
  type FlowEvent,
  type InboundDeduplicator,
  type InboundMessage,
  type SessionStore,
  type TurnResult,
  type TurnRunner,
  type TurnRunnerOptions,
} from '../../src/engine/index.ts';
import type { ResolvedTenant } from '../../src/tenancy/index.ts';
import { createLogger } from '../../src/shared/index.ts';
import { uniqueSuffix } from '../support/services.ts';

/** The three stores a turn runner needs, from one backend. */
export interface EngineBackend {
  sessions: SessionStore;
  locks: ConversationLocks;
  dedupe: InboundDeduplicator;
  close: () => Promise<void>;
}

export type BackendFactory = () => Promise<EngineBackend>;

export const TENANT: ResolvedTenant = {
  id: 'tenant1',
  slug: 'demo',
  name: 'Demo Spaza',
  tier: 'basic',
  status: 'active',
  shardId: 'shared-1',
  schemaName: 'tenant_tenant1',
  defaultLanguage: 'af',
  sessionTtlSeconds: 600,
  settings: {},
};

/** One log line as pino wrote it. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** A runner over `backend` whose log lines land in `lines`. */
export function createTestRunner(
  backend: EngineBackend,
  flow: FlowDefinition,
  overrides: Partial<TurnRunnerOptions> = {},
): { runner: TurnRunner; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: {
      write: (line: string) => {
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  });
  const runner = createTurnRunner({
    sessions: backend.sessions,
    locks: backend.locks,
    dedupe: backend.dedupe,
    selectFlow: () => flow,
    runInTenant: (_tenantId, fn) => fn(),
    loadTenant: () => Promise.resolve(TENANT),
    logger,
    ...overrides,
  });
  return { runner, lines };
}

/** A contact of its own for each test, so tests never share a session. */
export function newContact(): {
  conversation: ConversationKey;
  message: (event: FlowEvent | string, id?: string) => InboundMessage;
} {
  const phone = `+2782${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const conversation: ConversationKey = {
    tenantId: TENANT.id,
    channel: 'whatsapp',
    contactId: phone,
  };
  return {
    conversation,
    message: (event, id = `wamid.${uniqueSuffix()}`) => ({
      id,
      tenantId: TENANT.id,
      channel: 'whatsapp',
      contact: { id: phone, phone },
      event:
        typeof event === 'string' ? { type: 'user.text', text: event } : event,
      receivedAt: Date.now(),
    }),
  };
}

/** The i18n keys of a result's replies, for short assertions. */
export function replyKeys(result: TurnResult): string[] {
  return result.replies.map((reply) => reply.text.key);
}

/** The `count` parameter of the count reply in a result, if any. */
export function countOf(result: TurnResult): unknown {
  const reply = result.replies.find((r) => r.text.key === 'test:count');
  return reply?.text.params?.count;
}
