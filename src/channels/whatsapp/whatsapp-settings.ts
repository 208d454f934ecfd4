import type { ResolvedTenant } from '../../tenancy/tenant-context.ts';

/** A tenant's WhatsApp settings, read from `tenant.settings.whatsapp`. */
export interface WhatsappTenantSettings {
  /** Approved template sent when the 24-hour window is closed. */
  template?: { name: string; language: string };
  /** Mark handled messages as read (blue ticks). Off unless asked for. */
  isMarkAsRead: boolean;
  /** Sends per second for the tenant's numbers that have no rate of their own. */
  messagesPerSecond?: number;
}

/** Meta's default allowance per business number (PROTOCOLS.md 1.7). */
export const DEFAULT_MESSAGES_PER_SECOND = 80;

/**
 * The rates an operator may set. Meta's tiers are 20, 80 and 1,000 per
 * number; a rate above Meta's only earns 130429 errors, so it is refused.
 */
export const MESSAGES_PER_SECOND_RANGE = { min: 1, max: 1000 } as const;

/** Where a number's send rate came from. */
export type RateSource = 'number' | 'tenant' | 'default';

/**
 * The send rate of one number: its own, else the tenant's, else the
 * platform default. The sender and `wakala tenant whatsapp` both use it,
 * so what the command prints is what the sender does.
 */
export function effectiveMessagesPerSecond(
  numberRate: number | null,
  tenant: Pick<WhatsappTenantSettings, 'messagesPerSecond'>,
  platformDefault = DEFAULT_MESSAGES_PER_SECOND,
): { perSecond: number; source: RateSource } {
  if (numberRate !== null && numberRate > 0) {
    return { perSecond: numberRate, source: 'number' };
  }
  if (tenant.messagesPerSecond !== undefined) {
    return { perSecond: tenant.messagesPerSecond, source: 'tenant' };
  }
  return { perSecond: platformDefault, source: 'default' };
}

/**
 * True for a name Meta accepts for a message template: lower-case letters,
 * digits and underscores, at most 512 characters.
 */
export function isTemplateName(value: string): boolean {
  return /^[a-z0-9_]{1,512}$/.test(value);
}

/** True for a template language code such as `en`, `zu` or `en_US`. */
export function isTemplateLanguage(value: string): boolean {
  return /^[a-z]{2,3}(_[A-Z]{2})?$/.test(value);
}

/**
 * Reads the tenant's WhatsApp settings leniently: a malformed value is
 * treated as absent rather than breaking every message of the shop.
 * Shape: `{ whatsapp: { template: { name, language }, markAsRead: true,
 * messagesPerSecond: 20 } }`; `wakala tenant whatsapp` writes it.
 */
export function whatsappSettingsOf(
  tenant: Pick<ResolvedTenant, 'settings'>,
): WhatsappTenantSettings {
  const raw = tenant.settings.whatsapp;
  const settings: WhatsappTenantSettings = { isMarkAsRead: false };
  if (typeof raw !== 'object' || raw === null) return settings;
  const { template, markAsRead, messagesPerSecond } = raw as Record<
    string,
    unknown
  >;
  if (typeof template === 'object' && template !== null) {
    const { name, language } = template as Record<string, unknown>;
    if (typeof name === 'string' && typeof language === 'string') {
      settings.template = { name, language };
    }
  }
  settings.isMarkAsRead = markAsRead === true;
  if (typeof messagesPerSecond === 'number' && messagesPerSecond > 0) {
    settings.messagesPerSecond = messagesPerSecond;
  }
  return settings;
}
