import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { WHATSAPP_LIMITS as L } from '../../src/channels/whatsapp/whatsapp-limits.ts';

/** A message the fake accepted. */
export interface RecordedMessage {
  phoneNumberId: string;
  to: string;
  wamid: string;
  token: string;
  payload: Record<string, unknown>;
}

/** One media request the fake answered (PROTOCOLS.md 1.9, two steps). */
export interface MediaRequest {
  mediaId: string;
  step: 'lookup' | 'download';
  token: string;
}

interface PlannedError {
  code: number;
  status: number;
  times: number;
}

/**
 * A local stand-in for Meta's Graph API, following the documented contract
 * (PROTOCOLS.md 1.5, 1.9): it checks every message against the interactive
 * limits and refuses a violation with a Graph error (code 131009), records
 * what it accepted, answers like Meta, can be told to answer error codes,
 * and serves media behind the bearer token.
 */
export class FakeGraphApi {
  readonly messages: RecordedMessage[] = [];
  readonly reads: string[] = [];
  /** Media lookups and downloads, with the bearer token each carried. */
  readonly mediaRequests: MediaRequest[] = [];
  readonly violations: string[] = [];
  /** Every send request, accepted or not. */
  sendAttempts = 0;
  /** Milliseconds to wait before answering a send. */
  delayMs = 0;
  #server: Server | undefined;
  #url = '';
  #errors: PlannedError[] = [];
  #media = new Map<string, { bytes: Buffer; mimeType: string }>();
  #listeners: Array<(message: RecordedMessage) => void> = [];

  get url(): string {
    return this.#url;
  }

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      void this.#route(req, res).catch((error: unknown) => {
        answer(res, 500, { error: { message: String(error), code: 1 } });
      });
    });
    await new Promise<void>((resolve) =>
      this.#server?.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.#server.address() as AddressInfo;
    this.#url = `http://127.0.0.1:${port}`;
    return this.#url;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>(
      (resolve) => this.#server?.close(() => resolve()) ?? resolve(),
    );
  }

  /** Forgets messages, reads, planned errors and the delay between tests. */
  reset(): void {
    this.messages.length = 0;
    this.reads.length = 0;
    this.mediaRequests.length = 0;
    this.violations.length = 0;
    this.sendAttempts = 0;
    this.delayMs = 0;
    this.#errors = [];
  }

  /** The next `times` sends answer Meta error `code` with HTTP `status`. */
  answerError(code: number, times = 1, status = 400): void {
    this.#errors.push({ code, status, times });
  }

  /** Makes a media id downloadable. */
  addMedia(mediaId: string, bytes: Buffer, mimeType: string): void {
    this.#media.set(mediaId, { bytes, mimeType });
  }

  /** Calls `listener` for each accepted message. */
  onMessage(listener: (message: RecordedMessage) => void): void {
    this.#listeners.push(listener);
  }

  /** Resolves once `count` messages in all have been accepted. */
  async waitForMessages(
    count: number,
    timeoutMs = 10_000,
  ): Promise<RecordedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `expected ${count} messages, got ${this.messages.length}: ${this.violations.join('; ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.messages.slice(0, count);
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#url);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      answer(res, 401, graphError(190, 'Invalid OAuth access token.'));
      return;
    }
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method === 'GET' && parts[0] === 'media-files' && parts[1]) {
      this.mediaRequests.push({ mediaId: parts[1], step: 'download', token });
      const file = this.#media.get(parts[1]);
      if (!file) return answer(res, 404, graphError(100, 'Unknown media.'));
      res.writeHead(200, { 'content-type': file.mimeType }).end(file.bytes);
      return;
    }
    if (req.method === 'GET' && parts.length === 2 && parts[1]) {
      this.mediaRequests.push({ mediaId: parts[1], step: 'lookup', token });
      const file = this.#media.get(parts[1]);
      if (!file) return answer(res, 404, graphError(100, 'Unknown media.'));
      return answer(res, 200, {
        messaging_product: 'whatsapp',
        id: parts[1],
        url: `${this.#url}/media-files/${parts[1]}`,
        mime_type: file.mimeType,
      });
    }
    if (
      req.method === 'POST' &&
      parts.length === 3 &&
      parts[2] === 'messages' &&
      parts[1]
    ) {
      return this.#messages(parts[1], token, await readJson(req), res);
    }
    answer(res, 404, graphError(100, 'Unknown path.'));
  }

  async #messages(
    phoneNumberId: string,
    token: string,
    body: Record<string, unknown>,
    res: ServerResponse,
  ): Promise<void> {
    if (this.delayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (body.status === 'read') {
      this.reads.push(String(body.message_id));
      return answer(res, 200, { success: true });
    }
    this.sendAttempts += 1;
    const planned = this.#errors[0];
    if (planned) {
      planned.times -= 1;
      if (planned.times <= 0) this.#errors.shift();
      return answer(
        res,
        planned.status,
        graphError(planned.code, `planned error ${planned.code}`),
      );
    }
    const problem = checkMessage(body);
    if (problem) {
      this.violations.push(problem);
      return answer(
        res,
        400,
        graphError(131009, 'Parameter value is not valid', problem),
      );
    }
    const to = String(body.to ?? body.recipient);
    const wamid = `wamid.${randomBytes(12).toString('base64url')}`;
    const recorded = { phoneNumberId, to, wamid, token, payload: body };
    this.messages.push(recorded);
    for (const listener of this.#listeners) listener(recorded);
    answer(res, 200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: to, wa_id: to }],
      messages: [{ id: wamid }],
    });
  }
}

/** Returns what breaks Meta's documented rules, or undefined when none. */
export function checkMessage(
  body: Record<string, unknown>,
): string | undefined {
  if (body.messaging_product !== 'whatsapp')
    return 'messaging_product must be whatsapp';
  if (typeof body.to !== 'string' && typeof body.recipient !== 'string')
    return 'to is missing';
  switch (body.type) {
    case 'text': {
      const text = (body.text ?? {}) as { body?: unknown };
      return checkLength('text.body', text.body, L.textBody);
    }
    case 'template': {
      const template = (body.template ?? {}) as {
        name?: unknown;
        language?: { code?: unknown };
      };
      if (
        typeof template.name !== 'string' ||
        typeof template.language?.code !== 'string'
      )
        return 'template needs name and language.code';
      return undefined;
    }
    case 'interactive':
      return checkInteractive(body.interactive ?? {});
    default:
      return `unsupported type ${String(body.type)}`;
  }
}

interface Interactive {
  type?: string;
  body?: { text?: unknown };
  action?: {
    button?: unknown;
    name?: unknown;
    buttons?: Array<{
      type?: string;
      reply?: { id?: unknown; title?: unknown };
    }>;
    sections?: Array<{
      title?: unknown;
      rows?: Array<{ id?: unknown; title?: unknown; description?: unknown }>;
    }>;
  };
}

function checkInteractive(interactive: Interactive): string | undefined {
  const action = interactive.action ?? {};
  if (interactive.type === 'button') {
    const buttons = action.buttons ?? [];
    if (buttons.length < 1 || buttons.length > L.buttonsMax)
      return `buttons: ${buttons.length} (1-3 allowed)`;
    const titles = buttons.map((b) => b.reply?.title);
    if (new Set(titles).size !== titles.length)
      return 'button titles must be unique';
    for (const b of buttons) {
      const problem =
        checkLength('button title', b.reply?.title, L.buttonTitle) ??
        checkLength('button id', b.reply?.id, L.buttonId);
      if (problem) return problem;
    }
    return checkLength('button body', interactive.body?.text, L.buttonBody);
  }
  if (interactive.type === 'list') {
    const sections = action.sections ?? [];
    if (sections.length < 1 || sections.length > L.listSections)
      return `sections: ${sections.length}`;
    const rows = sections.flatMap((s) => s.rows ?? []);
    if (rows.length < 1 || rows.length > L.listRows)
      return `rows: ${rows.length} (1-10 in all)`;
    if (new Set(rows.map((r) => r.id)).size !== rows.length)
      return 'row ids must be unique';
    for (const section of sections) {
      const problem =
        section.title === undefined && sections.length === 1
          ? undefined
          : checkLength('section title', section.title, L.sectionTitle);
      if (problem) return problem;
    }
    for (const row of rows) {
      const problem =
        checkLength('row title', row.title, L.rowTitle) ??
        checkLength('row id', row.id, L.rowId) ??
        (row.description === undefined
          ? undefined
          : checkLength('row description', row.description, L.rowDescription));
      if (problem) return problem;
    }
    return (
      checkLength('list button', action.button, L.listButton) ??
      checkLength('list body', interactive.body?.text, L.listBody)
    );
  }
  if (interactive.type === 'location_request_message') {
    if (action.name !== 'send_location')
      return 'location request needs action.name send_location';
    return checkLength(
      'location request body',
      interactive.body?.text,
      L.locationRequestBody,
    );
  }
  return `unsupported interactive type ${String(interactive.type)}`;
}

function checkLength(
  what: string,
  value: unknown,
  max: number,
): string | undefined {
  if (typeof value !== 'string' || value.trim().length === 0)
    return `${what} is missing`;
  return value.length > max
    ? `${what} has ${value.length} characters (max ${max})`
    : undefined;
}

function graphError(
  code: number,
  message: string,
  details?: string,
): Record<string, unknown> {
  return {
    error: {
      message: `(#${code}) ${message}`,
      type: 'OAuthException',
      code,
      ...(details
        ? { error_data: { messaging_product: 'whatsapp', details } }
        : {}),
      fbtrace_id: randomBytes(8).toString('hex'),
    },
  };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify(body));
}

async function readJson(
  req: IncomingMessage,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<
    string,
    unknown
  >;
}
