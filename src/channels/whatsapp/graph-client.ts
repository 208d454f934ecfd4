import { GraphApiError } from './graph-error.ts';

/** Body of `POST /<phone_number_id>/messages`, without the fixed fields. */
export type OutboundPayload = { type: string } & Record<string, unknown>;

export interface GraphClientOptions {
  graphUrl: string;
  graphVersion: string;
  /** Per-request time limit; a slow Meta must not hold a worker forever. */
  timeoutMs?: number;
}

/** A downloaded media file. */
export interface MediaFile {
  bytes: Buffer;
  mimeType: string;
}

/**
 * The few Graph API calls the channel makes, over plain `fetch` so tests can
 * point it at a local fake server by URL. Every call carries the number's
 * own access token; failures become GraphApiError with Meta's code.
 */
export class GraphClient {
  readonly #base: string;
  readonly #timeoutMs: number;

  constructor(options: GraphClientOptions) {
    this.#base = `${options.graphUrl}/${options.graphVersion}`;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** Sends one message; returns Meta's message id (wamid). */
  async sendMessage(
    phoneNumberId: string,
    accessToken: string,
    to: string,
    payload: OutboundPayload,
  ): Promise<string> {
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      ...recipientOf(to),
      ...payload,
    };
    const answer = (await this.#call(
      'POST',
      `${this.#base}/${phoneNumberId}/messages`,
      accessToken,
      body,
    )) as {
      messages?: Array<{ id?: string }>;
    };
    const wamid = answer.messages?.[0]?.id;
    if (!wamid) {
      throw new GraphApiError({
        status: 200,
        title: 'answer without a message id',
      });
    }
    return wamid;
  }

  /** Marks an inbound message (and the ones before it) as read. */
  async markAsRead(
    phoneNumberId: string,
    accessToken: string,
    wamid: string,
  ): Promise<void> {
    await this.#call(
      'POST',
      `${this.#base}/${phoneNumberId}/messages`,
      accessToken,
      {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: wamid,
      },
    );
  }

  /**
   * Downloads an inbound media file: the id gives a short-lived URL (5
   * minutes), which needs the same bearer token (PROTOCOLS.md 1.9).
   */
  async downloadMedia(
    mediaId: string,
    accessToken: string,
  ): Promise<MediaFile> {
    const meta = (await this.#call(
      'GET',
      `${this.#base}/${encodeURIComponent(mediaId)}`,
      accessToken,
    )) as {
      url?: string;
      mime_type?: string;
    };
    if (!meta.url)
      throw new GraphApiError({
        status: 200,
        title: 'media answer without a url',
      });
    const response = await this.#fetch('GET', meta.url, accessToken);
    if (!response.ok)
      throw new GraphApiError({
        status: response.status,
        title: 'media download failed',
      });
    return {
      bytes: Buffer.from(await response.arrayBuffer()),
      mimeType:
        response.headers.get('content-type') ??
        meta.mime_type ??
        'application/octet-stream',
    };
  }

  async #call(
    method: string,
    url: string,
    token: string,
    body?: unknown,
  ): Promise<unknown> {
    const response = await this.#fetch(method, url, token, body);
    const text = await response.text();
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : {};
    } catch (cause) {
      throw new GraphApiError({
        status: response.status,
        title: 'answer is not JSON',
        cause,
      });
    }
    if (!response.ok) {
      const error = (json as { error?: { code?: unknown; type?: unknown } })
        .error;
      const code = typeof error?.code === 'number' ? error.code : undefined;
      throw new GraphApiError({
        status: response.status,
        ...(code === undefined ? {} : { graphCode: code }),
      });
    }
    return json;
  }

  async #fetch(
    method: string,
    url: string,
    token: string,
    body?: unknown,
  ): Promise<Response> {
    try {
      return await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw new GraphApiError({ status: 0, title: 'no answer', cause });
    }
  }
}

/** A contact id that is not a phone number is a business-scoped user id. */
function recipientOf(to: string): Record<string, string> {
  return to.startsWith('+') ? { to: to.slice(1) } : { recipient: to };
}
