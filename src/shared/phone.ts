import { InputError } from './errors.ts';

const E164 = /^\+[1-9][0-9]{7,14}$/;

/** True when `value` is an E.164 number such as +27821234567. */
export function isE164(value: string): boolean {
  return E164.test(value);
}

/**
 * Normalises a phone number to E.164. Accepts the forms people and gateways
 * send: `+27821234567`, `27821234567` (WhatsApp's `from`), and the South
 * African national form `0821234567`. Anything else is refused.
 */
export function normalisePhone(raw: string, field = 'phone'): string {
  const compact = raw.replace(/[\s()-]/g, '');
  let candidate = compact;
  if (/^0[0-9]{9}$/.test(compact)) candidate = `+27${compact.slice(1)}`;
  else if (/^[1-9][0-9]{7,14}$/.test(compact)) candidate = `+${compact}`;
  if (!E164.test(candidate)) {
    throw new InputError(
      'phone.invalid',
      `${field} must be a phone number in E.164 form such as +27821234567.`,
    );
  }
  return candidate;
}
