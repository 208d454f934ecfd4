import type { ResolvedTenant } from '../../tenancy/tenant-context.ts';

/** A tenant's WhatsApp settings, read from `tenant.settings.whatsapp`. */
export interface WhatsappTenantSettings {
  /** Approved template sent when the 24-hour window is closed. */
  template?: { name: string; language: string };
  /** Mark handled messages as read (blue ticks). Off unless asked for. */
  isMarkAsRead: boolean;
  /** Sends per second allowed on the tenant's numbers, if not the default. */
  messagesPerSecond?: number;
}

/**
 * Reads the tenant's WhatsApp settings leniently: a malformed value is
 * treated as absent rather than breaking every message of the shop.
 * Shape: `{ whatsapp: { template: { name, language }, markAsRead: true,
 * messagesPerSecond: 20 } }`.
 */
export function whatsappSettingsOf(
  tenant: ResolvedTenant,
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
