import { randomUUID } from 'node:crypto';

/** One USSD screen as a handset shows it. */
export interface UssdScreenView {
  text: string;
  isEnd: boolean;
}

/**
 * Plays the part of a USSD gateway (Africa's Talking format) for the
 * simulator: it posts to the real `/ussd` endpoint, keeps the cumulative
 * `text` of the session, and starts a new session after an `END` screen,
 * just as a person dialling again would.
 */
export class UssdDialer {
  #sessionId = '';
  #inputs: string[] = [];

  constructor(
    private readonly endpoint: string,
    private readonly serviceCode: string,
    private readonly phoneNumber: string,
  ) {}

  /** Dials the service code: a new session with an empty `text`. */
  dial(): Promise<UssdScreenView> {
    this.#sessionId = `sim-${randomUUID()}`;
    this.#inputs = [];
    return this.post();
  }

  /** Sends what the person typed on the current screen. */
  send(input: string): Promise<UssdScreenView> {
    this.#inputs.push(input);
    return this.post();
  }

  private async post(): Promise<UssdScreenView> {
    const body = new URLSearchParams({
      sessionId: this.#sessionId,
      serviceCode: this.serviceCode,
      phoneNumber: this.phoneNumber,
      networkCode: '65501',
      text: this.#inputs.join('*'),
    });
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const text = await response.text();
    if (!response.ok)
      return { text: `(HTTP ${response.status}) ${text}`, isEnd: true };
    return { text: text.slice(4), isEnd: text.startsWith('END ') };
  }
}
