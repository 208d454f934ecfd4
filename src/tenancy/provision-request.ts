import { createHash } from 'node:crypto';
import { isLanguage, LANGUAGES, type Language } from '../i18n/index.ts';
import { InputError } from '../shared/errors.ts';
import { isE164 } from '../shared/phone.ts';
import type { Tier } from './tenant-context.ts';
import { isTier, TIERS } from './tenant-directory.ts';

/** What a platform admin asks for when creating a tenant. */
export interface ProvisionRequest {
  name: string;
  tier: string;
  /** The owner's number in E.164 form; becomes the tenant's admin user. */
  ownerPhone: string;
  slug?: string;
  defaultLanguage?: string;
  whatsappPhoneNumberId?: string;
  whatsappNumber?: string;
  /** Meta access token of the number; stored encrypted. */
  whatsappAccessToken?: string;
  /** A USSD service code of the tenant's own, such as `*120*5555#`. */
  ussdCode?: string;
  /** A platform-shared USSD code plus the store code typed after it. */
  sharedUssdCode?: string;
  storeCode?: string;
  /** Idempotency key; derived from the request content when left out. */
  requestKey?: string;
}

/** A request that passed validation, with defaults filled in. */
export interface ValidProvisionRequest {
  name: string;
  tier: Tier;
  ownerPhone: string;
  slug: string;
  defaultLanguage: Language;
  whatsapp?: {
    phoneNumberId: string;
    displayNumber: string;
    accessToken?: string;
  };
  ussdCode?: string;
  store?: { sharedUssdCode: string; storeCode: string };
  requestKey: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,39}$/;
const USSD_CODE = /^\*[0-9]+(\*[0-9]+)*#$/;
const PHONE_NUMBER_ID = /^[0-9]{5,20}$/;
const STORE_CODE = /^[0-9]{2,8}$/;
const REQUEST_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Checks a provisioning request and fills in defaults. Every refusal is an
 * InputError with its own code and a message that says what is expected,
 * without echoing phone numbers or tokens.
 */
export function validateProvisionRequest(
  request: ProvisionRequest,
): ValidProvisionRequest {
  const name = request.name.trim();
  if (name.length < 1 || name.length > 120) {
    throw new InputError(
      'tenant.name_invalid',
      'Tenant name must be 1 to 120 characters long.',
    );
  }
  if (!isTier(request.tier)) {
    throw new InputError(
      'tenant.tier_unknown',
      `Tier ${JSON.stringify(request.tier)} is unknown; use one of ${TIERS.join(', ')}.`,
    );
  }
  if (!isE164(request.ownerPhone)) {
    throw new InputError(
      'tenant.owner_phone_invalid',
      'Owner phone must be an E.164 number such as +27821234567.',
    );
  }
  const slug = request.slug ?? slugFromName(name);
  if (!SLUG.test(slug)) {
    throw new InputError(
      'tenant.slug_invalid',
      'Slug must be 2 to 40 characters of lower-case letters, digits and dashes, starting with a letter or digit.',
    );
  }
  const language = request.defaultLanguage ?? 'en';
  if (!isLanguage(language)) {
    throw new InputError(
      'tenant.language_unknown',
      `Language ${JSON.stringify(language)} is unknown; use one of ${LANGUAGES.join(', ')}.`,
    );
  }
  const valid: ValidProvisionRequest = {
    name,
    tier: request.tier,
    ownerPhone: request.ownerPhone,
    slug,
    defaultLanguage: language,
    requestKey: request.requestKey ?? deriveRequestKey(request),
  };
  if (!REQUEST_KEY.test(valid.requestKey)) {
    throw new InputError(
      'tenant.request_key_invalid',
      'Request key must be 8 to 128 characters of letters, digits and . _ : -.',
    );
  }
  addWhatsapp(valid, request);
  addUssd(valid, request);
  return valid;
}

function addWhatsapp(
  valid: ValidProvisionRequest,
  request: ProvisionRequest,
): void {
  const { whatsappPhoneNumberId: id, whatsappNumber: number } = request;
  if (id === undefined && number === undefined) return;
  if (id === undefined || number === undefined) {
    throw new InputError(
      'tenant.whatsapp_incomplete',
      'A WhatsApp number needs both its phone_number_id and its display number.',
    );
  }
  if (!PHONE_NUMBER_ID.test(id)) {
    throw new InputError(
      'tenant.whatsapp_id_invalid',
      'WhatsApp phone_number_id must be 5 to 20 digits, as shown in Meta Business Manager.',
    );
  }
  if (!isE164(number)) {
    throw new InputError(
      'tenant.whatsapp_number_invalid',
      'WhatsApp display number must be an E.164 number such as +27821234567.',
    );
  }
  valid.whatsapp = { phoneNumberId: id, displayNumber: number };
  if (request.whatsappAccessToken !== undefined) {
    valid.whatsapp.accessToken = request.whatsappAccessToken;
  }
}

function addUssd(
  valid: ValidProvisionRequest,
  request: ProvisionRequest,
): void {
  if (request.ussdCode !== undefined) {
    if (!USSD_CODE.test(request.ussdCode)) {
      throw new InputError(
        'tenant.ussd_code_invalid',
        `USSD code ${JSON.stringify(request.ussdCode)} is not a service code such as *120*5555#.`,
      );
    }
    valid.ussdCode = request.ussdCode;
  }
  const { sharedUssdCode: shared, storeCode } = request;
  if (shared === undefined && storeCode === undefined) return;
  if (shared === undefined || storeCode === undefined) {
    throw new InputError(
      'tenant.store_code_incomplete',
      'A shared USSD code needs a store code, and a store code needs its shared USSD code.',
    );
  }
  if (!USSD_CODE.test(shared)) {
    throw new InputError(
      'tenant.ussd_code_invalid',
      `USSD code ${JSON.stringify(shared)} is not a service code such as *120*5555#.`,
    );
  }
  if (!STORE_CODE.test(storeCode)) {
    throw new InputError(
      'tenant.store_code_invalid',
      'Store code must be 2 to 8 digits.',
    );
  }
  valid.store = { sharedUssdCode: shared, storeCode };
}

/** A slug made from a name: `Mama Thandi's Spaza` becomes `mama-thandi-s-spaza`. */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/**
 * The idempotency key of a request without one: a hash of its content, so
 * the CLI and the admin API retrying the same request find the same tenant.
 * The access token is left out, so a retry after the token was rotated
 * still finds the tenant made by the first attempt.
 */
export function deriveRequestKey(request: ProvisionRequest): string {
  const content = {
    name: request.name.trim(),
    tier: request.tier,
    ownerPhone: request.ownerPhone,
    slug: request.slug ?? null,
    defaultLanguage: request.defaultLanguage ?? null,
    whatsappPhoneNumberId: request.whatsappPhoneNumberId ?? null,
    whatsappNumber: request.whatsappNumber ?? null,
    ussdCode: request.ussdCode ?? null,
    sharedUssdCode: request.sharedUssdCode ?? null,
    storeCode: request.storeCode ?? null,
  };
  const digest = createHash('sha256')
    .update(JSON.stringify(content))
    .digest('hex');
  return `req:${digest.slice(0, 40)}`;
}
