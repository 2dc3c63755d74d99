import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserInputError } from '../errors.js';

/**
 * Encrypts secrets the user enters (S3 access keys) before they reach the catalog: AES-256-GCM
 * with a key kept outside the database, so a copy of catalog.sqlite (a backup, a bug report)
 * reveals nothing. The key is GLACIER_SECRET_KEY_FILE (a docker secret) or `<data>/secret.key`,
 * made on first use with mode 0600.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static open(dataDir: string, keyFile = process.env.GLACIER_SECRET_KEY_FILE): SecretBox {
    const file = keyFile ?? path.join(dataDir, 'secret.key');
    if (!existsSync(file)) {
      if (keyFile) throw new UserInputError(`The secret key file ${keyFile} does not exist`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new UserInputError(`${file} does not hold a 32-byte key (base64)`);
    return new SecretBox(key);
  }

  seal(value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open<T>(sealed: string): T {
    const raw = Buffer.from(sealed.replace(/^v1:/, ''), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(
        'utf8',
      );
      return JSON.parse(text) as T;
    } catch {
      throw new UserInputError(
        'A stored secret cannot be decrypted: the secret key file changed since it was entered. Enter the keys again.',
      );
    }
  }
}
