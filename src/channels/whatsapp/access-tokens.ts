import { NotFoundError } from '../../shared/index.ts';
import type { AccessTokenLookup } from './outbound-sender.ts';

/** The part of the control plane the token lookup needs. */
export interface TokenSource {
  db: {
    whatsappNumber: {
      findUnique(args: {
        where: { phoneNumberId: string };
      }): Promise<{ accessTokenEncrypted: string | null } | null>;
    };
  };
  secrets: { decrypt(sealed: string): string };
}

/**
 * Looks up and decrypts a number's access token, keeping it in memory for
 * `ttlMs` so a busy number does not cost a query and a decryption per send.
 */
export function createAccessTokenLookup(
  source: TokenSource,
  ttlMs = 60_000,
): AccessTokenLookup {
  const cache = new Map<string, { token: string; until: number }>();
  return async (phoneNumberId) => {
    const hit = cache.get(phoneNumberId);
    if (hit && hit.until > Date.now()) return hit.token;
    const row = await source.db.whatsappNumber.findUnique({
      where: { phoneNumberId },
    });
    if (!row?.accessTokenEncrypted) {
      throw new NotFoundError(
        'whatsapp.token_missing',
        `WhatsApp number ${phoneNumberId} has no access token stored; add it to the number's record.`,
      );
    }
    const token = source.secrets.decrypt(row.accessTokenEncrypted);
    cache.set(phoneNumberId, { token, until: Date.now() + ttlMs });
    return token;
  };
}
