import { InputError } from '../../shared/errors.ts';

/**
 * One USSD request freed of its gateway's format. Every gateway module
 * produces this shape, so the router and everything after it never learn
 * which aggregator called.
 */
export interface UssdRequest {
  /** The gateway's id of this USSD session (the same for every step). */
  sessionId: string;
  /** The code that was dialled, such as `*120*123#`. */
  serviceCode: string;
  /** The caller's number in E.164 form. Never logged in clear. */
  phone: string;
  /** The mobile network, when the gateway tells it. */
  networkCode?: string;
  /**
   * Every input of this session so far, as the gateway sends it: empty on
   * the first request, then the inputs joined by `*` (Africa's Talking).
   */
  text: string;
}

/** What to show: `isEnd` closes the session after the screen. */
export interface UssdResponse {
  screen: string;
  isEnd: boolean;
}

/**
 * The two things that differ between USSD aggregators: how a callback is
 * read and how an answer is written. A new gateway is one small module
 * implementing this.
 */
export interface UssdGateway {
  name: string;
  /** Parses a decoded form body; throws InputError naming the bad field. */
  parse(body: Record<string, unknown>): UssdRequest;
  /** The HTTP answer: its content type and body. */
  format(response: UssdResponse): { contentType: string; body: string };
}

/**
 * Reads one required single-valued string field of a form body. A field
 * sent twice arrives as an array, which is refused rather than guessed.
 */
export function readField(
  body: Record<string, unknown>,
  field: string,
  options: { isRequired: boolean; maxLength: number },
): string | undefined {
  const value = body[field];
  if (value === undefined) {
    if (!options.isRequired) return undefined;
    throw new InputError('ussd.missing_field', `Missing field: ${field}.`);
  }
  if (typeof value !== 'string') {
    throw new InputError(
      'ussd.invalid_field',
      `Field ${field} must be sent once, as a single value.`,
    );
  }
  if (value.length > options.maxLength) {
    throw new InputError(
      'ussd.invalid_field',
      `Field ${field} is longer than ${options.maxLength} characters.`,
    );
  }
  return value;
}
