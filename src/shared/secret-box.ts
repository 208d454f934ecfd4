import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
} from 'node:crypto';
import { WakalaError } from './errors.ts';

const VERSION = 'v1';

/**
 * Encrypts stored secrets (shard URLs, channel access tokens) with AES-256-GCM
 * under a key derived from WAKALA_SECRET_KEY. The ciphertext carries a
 * version so the scheme can change without guessing.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(secretKey: string) {
    this.#key = createHash('sha256').update(secretKey).digest();
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv, tag, body].map(toBase64).join(':');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || !body) {
      throw new WakalaError(
        'secret.format',
        'A stored secret has an unknown format; it was not written by this version of Wakala.',
      );
    }
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.#key,
        Buffer.from(iv, 'base64'),
      );
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch (cause) {
      throw new WakalaError(
        'secret.key_mismatch',
        'A stored secret could not be decrypted; check that WAKALA_SECRET_KEY is the key it was written with.',
        { cause },
      );
    }
  }
}

function toBase64(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64');
}
