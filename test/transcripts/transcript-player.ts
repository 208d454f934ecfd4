import { findUserByPhone } from '../../src/commerce/index.ts';
import {
  EngineKeys,
  conversationOf,
  type FlowEvent,
  type InboundMessage,
  type TurnResult,
} from '../../src/engine/index.ts';
import { numberOptions, type Reply } from '../../src/flows/index.ts';
import { translate, type Language } from '../../src/i18n/index.ts';
import { tenantDb } from '../../src/tenancy/index.ts';
import type { Step, Transcript } from './transcript-format.ts';
import type { LiveShop } from './live-shop.ts';

/** One answered message, rendered as the person would read it. */
interface Answer {
  result: TurnResult;
  text: string;
  rows: Array<{ digits: string; label: string }>;
}

/**
 * Plays a transcript against the live shop's real turn runner. A failed
 * step throws with the conversation so far, so the failure reads like the
 * chat it broke.
 */
export class TranscriptPlayer {
  private readonly log: string[] = [];
  private answers: Answer[] = [];
  private menuRows: Answer['rows'] = [];
  private lastMessage: InboundMessage | undefined;
  private counter = 0;

  constructor(
    private readonly shop: LiveShop,
    private readonly transcript: Transcript,
  ) {}

  /** Plays every step in order. */
  async play(): Promise<void> {
    for (const step of this.transcript.steps) {
      try {
        await this.playStep(step);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `${this.transcript.name}:${step.line}: ${reason}\n--- conversation so far ---\n${this.log.join('\n')}`,
          { cause: error },
        );
      }
    }
  }

  private async playStep(step: Step): Promise<void> {
    switch (step.kind) {
      case 'send':
        this.answers = [await this.send(this.message(step.text))];
        return;
      case 'send_together': {
        const messages = step.texts.map((text) => this.message(text));
        this.log.push(`(${messages.length} messages at once)`);
        const results = await Promise.all(
          messages.map((message) => this.runTurn(message)),
        );
        this.answers = results.map((result) => this.record(result));
        return;
      }
      case 'again': {
        if (!this.lastMessage) throw new Error('nothing was sent before');
        this.log.push('(the same message arrives again)');
        this.answers = [await this.send(this.lastMessage)];
        return;
      }
      case 'expect':
        return this.expectText(step.fragment, step.absent, step.which);
      default:
        return this.checkWorld(step);
    }
  }

  private async checkWorld(step: Step): Promise<void> {
    switch (step.kind) {
      case 'expire':
        return this.expireSession();
      case 'set_stock':
        await this.shop.run(() =>
          tenantDb().product.updateMany({
            where: { name: step.product },
            data: { stockQuantity: step.quantity },
          }),
        );
        this.log.push(`(stock of ${step.product} set to ${step.quantity})`);
        return;
      case 'check_stock':
        return same('stock', await this.stockOf(step.product), step.quantity);
      case 'check_orders':
        return same('orders', (await this.orders()).length, step.count);
      case 'check_order': {
        const [latest] = await this.orders();
        if (!latest) throw new Error('no order was placed');
        for (const [field, value] of Object.entries(step.fields)) {
          same(`order.${field}`, String(latest[field]), value);
        }
        return;
      }
      case 'check_status':
        return same('status', this.answers[0]?.result.status, step.status);
      default:
        throw new Error(`unknown step ${step.kind}`);
    }
  }

  /** A new inbound message for what the person types. */
  private message(typed: string): InboundMessage {
    const text = typed.startsWith('#') ? this.digitsOf(typed.slice(1)) : typed;
    const event: FlowEvent = { type: 'user.text', text };
    const { contact, channel, name } = this.transcript;
    this.counter += 1;
    return {
      id: `${name}-${this.counter}`,
      tenantId: this.shop.tenant.id,
      channel,
      contact: { id: contact, phone: contact },
      event,
      receivedAt: Date.now(),
    };
  }

  private async send(message: InboundMessage): Promise<Answer> {
    return this.record(await this.runTurn(message));
  }

  private runTurn(message: InboundMessage): Promise<TurnResult> {
    this.lastMessage = message;
    const text = message.event.type === 'user.text' ? message.event.text : '';
    this.log.push(`> ${text}`);
    return this.shop.services.turnRunner.handle(message, { budgetMs: 10_000 });
  }

  private record(result: TurnResult): Answer {
    const answer = render(result);
    this.log.push(
      `< [${result.status}] ${answer.text.replaceAll('\n', '\n<   ')}`,
    );
    if (result.replies.some((reply) => reply.kind === 'menu')) {
      this.menuRows = answer.rows;
    }
    return answer;
  }

  private digitsOf(label: string): string {
    const row = this.menuRows.find((each) => each.label.includes(label));
    if (!row) throw new Error(`the last menu has no option "${label}"`);
    return row.digits;
  }

  private expectText(fragment: string, absent: boolean, which?: number): void {
    const answer = this.answers[(which ?? 1) - 1];
    if (!answer) throw new Error(`no answer number ${which ?? 1}`);
    if (answer.text.includes(fragment) === absent) {
      throw new Error(
        `expected the answer ${absent ? 'not ' : ''}to contain "${fragment}"`,
      );
    }
  }

  private async expireSession(): Promise<void> {
    const redis = this.shop.services.redis;
    if (!redis) throw new Error('the live shop has no Redis');
    const keys = new EngineKeys(this.shop.keyPrefix);
    const { contact, channel } = this.transcript;
    const key = keys.session(
      conversationOf({
        tenantId: this.shop.tenant.id,
        channel,
        contact: { id: contact },
      }),
    );
    if ((await redis.del(key)) !== 1) throw new Error('no session to expire');
    this.log.push('(the session expires)');
  }

  private orders(): Promise<Array<Record<string, unknown>>> {
    return this.shop.run(async () => {
      const user = await findUserByPhone(this.transcript.contact);
      if (!user) return [];
      return tenantDb().order.findMany({
        where: { customerId: user.id },
        orderBy: { createdAt: 'desc' },
      });
    });
  }

  private stockOf(name: string): Promise<number | undefined> {
    return this.shop.run(async () => {
      const product = await tenantDb().product.findFirst({ where: { name } });
      return product?.stockQuantity;
    });
  }
}

/** Every reply translated, menus as numbered rows (as a list is shown). */
function render(result: TurnResult): Answer {
  const language: Language = result.language;
  const lines: string[] = [];
  let rows: Answer['rows'] = [];
  for (const reply of result.replies) {
    lines.push(translate(language, reply.text));
    if (reply.kind !== 'menu') continue;
    rows = menuRows(reply, language);
    lines.push(...rows.map((row) => `${row.digits}. ${row.label}`));
  }
  return { result, text: lines.join('\n'), rows };
}

function menuRows(
  reply: Extract<Reply, { kind: 'menu' }>,
  language: Language,
): Answer['rows'] {
  return numberOptions(reply.options).map(({ digits, option }) => ({
    digits,
    label: translate(language, option.label),
  }));
}

function same(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) {
    throw new Error(
      `${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
    );
  }
}
