/**
 * Destinations are stored sealed (AES-256-GCM), so a copy of alerts.db — a backup, a support bundle —
 * does not carry webhook URLs and header secrets. The key comes from the master key when there is one
 * (scrypt with a salt kept in the database), so the file alone is not enough; without a master key it
 * is a random key in `alerts.key` beside the database, readable by its owner only. Changing the master
 * key makes what the old one sealed unreadable: those destinations have to be saved again.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Which key sealed a value: `m` the master key, `f` the key file (or a process's in-memory key). */
export type KeyId = 'm' | 'f';

const PREFIX = 'sealed:1:';

export class SecretBox {
  readonly #key: Buffer;
  readonly id: KeyId;

  constructor(key: Buffer, id: KeyId) {
    this.#key = key;
    this.id = id;
  }

  seal(text: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return `${PREFIX}${this.id}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
  }

  /** The text, or undefined when another key sealed it (or it was changed since). */
  open(value: string): string | undefined {
    if (keyIdOf(value) !== this.id) return undefined;
    const bytes = Buffer.from(value.slice(PREFIX.length + 2), 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

/** The key that sealed a stored value; undefined for a value stored before sealing (plain text). */
export function keyIdOf(value: string): KeyId | undefined {
  if (!value.startsWith(PREFIX)) return undefined;
  const id = value[PREFIX.length];
  return id === 'm' || id === 'f' ? id : undefined;
}

export function masterKeyBox(masterKey: string, salt: string): SecretBox {
  return new SecretBox(scryptSync(masterKey, salt, 32), 'm');
}

/**
 * The key in `path`, made (0600, written whole then renamed into place, so no reader sees half a
 * key) when `create` and it does not exist yet; undefined when it does not and may not be made.
 * Callers hold alerts.db's write lock, so two workers never both make one.
 */
export function fileKeyBox(path: string | undefined, create: boolean): SecretBox | undefined {
  if (path === undefined) return create ? new SecretBox(randomBytes(32), 'f') : undefined;
  if (!existsSync(path)) {
    if (!create) return undefined;
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, randomBytes(32).toString('hex'), { mode: 0o600 });
    chmodSync(partial, 0o600);
    renameSync(partial, path);
  }
  const hex = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${path} is not a key written by Tollgate`);
  return new SecretBox(Buffer.from(hex, 'hex'), 'f');
}
