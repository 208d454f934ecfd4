import { NotFoundError } from '../../shared/index.ts';

/** What the channel needs to know of one business number to use it. */
export interface WhatsappNumberSettings {
  /** The number's Cloud API access token, decrypted. */
  accessToken: string;
  /** The number's own send rate, or null to use the tenant's or default. */
  messagesPerSecond: number | null;
}

/** Looks up a business number's token and rate by its phone_number_id. */
export type WhatsappNumberLookup = (
  phoneNumberId: string,
) => Promise<WhatsappNumberSettings>;

/** The part of the control plane the number lookup needs. */
export interface WhatsappNumberSource {
  db: {
    whatsappNumber: {
      findUnique(args: { where: { phoneNumberId: string } }): Promise<{
        accessTokenEncrypted: string | null;
        messagesPerSecond: number | null;
      } | null>;
    };
  };
  secrets: { decrypt(sealed: string): string };
}

/**
 * Reads a number's row from control.whatsapp_numbers and keeps the
 * decrypted token and the rate in memory for `ttlMs`, so a busy number does
 * not cost a query and a decryption per send. Lookups of one number that
 * overlap share one query.
 *
 * Known limit: the cache lives in each worker process and nothing clears
 * it, so a changed token or rate (`wakala tenant whatsapp --number`) is
 * used by running workers only once their entry expires, within `ttlMs`
 * (a minute by default). A change event over Redis would make it immediate.
 */
export function createWhatsappNumberLookup(
  source: WhatsappNumberSource,
  ttlMs = 60_000,
): WhatsappNumberLookup {
  const cache = new Map<
    string,
    { settings: Promise<WhatsappNumberSettings>; until: number }
  >();
  return (phoneNumberId) => {
    const hit = cache.get(phoneNumberId);
    if (hit && hit.until > Date.now()) return hit.settings;
    const settings = load(source, phoneNumberId);
    cache.set(phoneNumberId, { settings, until: Date.now() + ttlMs });
    // A failed lookup (no token yet, database down) is not remembered.
    settings.catch(() => {
      if (cache.get(phoneNumberId)?.settings === settings) {
        cache.delete(phoneNumberId);
      }
    });
    return settings;
  };
}

async function load(
  source: WhatsappNumberSource,
  phoneNumberId: string,
): Promise<WhatsappNumberSettings> {
  const row = await source.db.whatsappNumber.findUnique({
    where: { phoneNumberId },
  });
  if (!row?.accessTokenEncrypted) {
    throw new NotFoundError(
      'whatsapp.token_missing',
      `WhatsApp number ${phoneNumberId} has no access token stored; add it to the number's record.`,
    );
  }
  return {
    accessToken: source.secrets.decrypt(row.accessTokenEncrypted),
    messagesPerSecond: row.messagesPerSecond,
  };
}
