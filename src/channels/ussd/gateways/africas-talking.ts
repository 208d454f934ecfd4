import { InputError } from '../../../shared/errors.ts';
import { normalisePhone } from '../../../shared/phone.ts';
import {
  readField,
  type UssdGateway,
  type UssdRequest,
  type UssdResponse,
} from '../ussd-gateway.ts';

/** Gateway session ids become Redis key segments: keep them plain. */
const SESSION_ID = /^[A-Za-z0-9_.-]{1,100}$/;
/** `*120*123#`, `*384*12*3#`, or the bare digits some sandboxes send. */
const SERVICE_CODE = /^\*?[0-9]+(\*[0-9]+)*#?$/;

function parse(body: Record<string, unknown>): UssdRequest {
  const required = { isRequired: true, maxLength: 100 };
  const sessionId = readField(body, 'sessionId', required) ?? '';
  const serviceCode = readField(body, 'serviceCode', required) ?? '';
  const phoneNumber = readField(body, 'phoneNumber', required) ?? '';
  const networkCode = readField(body, 'networkCode', {
    isRequired: false,
    maxLength: 20,
  });
  // AT always sends `text` (empty on the first request); a gateway that
  // leaves it out on the first request is read the same way.
  const text =
    readField(body, 'text', { isRequired: false, maxLength: 1000 }) ?? '';

  if (!SESSION_ID.test(sessionId)) {
    throw new InputError(
      'ussd.invalid_field',
      'Field sessionId must be 1 to 100 letters, digits, dots, dashes or underscores.',
    );
  }
  if (serviceCode.length > 40 || !SERVICE_CODE.test(serviceCode)) {
    throw new InputError(
      'ussd.invalid_field',
      'Field serviceCode must be a USSD code such as *120*123#.',
    );
  }
  const phone = normalisePhone(phoneNumber, 'Field phoneNumber');
  const request: UssdRequest = { sessionId, serviceCode, phone, text };
  if (networkCode !== undefined && networkCode !== '') {
    request.networkCode = networkCode;
  }
  return request;
}

function format(response: UssdResponse): {
  contentType: string;
  body: string;
} {
  return {
    contentType: 'text/plain; charset=utf-8',
    body: `${response.isEnd ? 'END' : 'CON'} ${response.screen}`,
  };
}

/**
 * Africa's Talking USSD callback: a form-encoded POST with `sessionId`,
 * `serviceCode`, `phoneNumber`, `networkCode` and the cumulative `text`,
 * answered with plain text starting `CON ` (wait for input) or `END `
 * (PROTOCOLS.md section 3.1).
 */
export const africasTalkingGateway: UssdGateway = {
  name: 'africas-talking',
  parse,
  format,
};
