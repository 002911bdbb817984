/**
 * The AI narrative's API key at rest: encrypted with Electron safeStorage (Keychain, DPAPI,
 * libsecret) in a file of its own under userData, never in the database, the settings or a log.
 *
 * Electron-free on purpose (main passes `safeStorage` in), so the file handling is tested under
 * Node. Where the OS offers no real secure store (Linux without a keyring: safeStorage would fall
 * back to a hard-coded password), the key is not written at all and lasts until Closeout closes.
 */
import fs from 'node:fs';
import path from 'node:path';

export type SecretCipher = Readonly<{
  isEncryptionAvailable: () => boolean;
  encryptString: (plain: string) => Buffer;
  decryptString: (encrypted: Buffer) => string;
  /** Linux only: 'basic_text' means no keyring, i.e. no real protection. */
  getSelectedStorageBackend?: () => string;
}>;

export const KEY_FILE = 'anthropic-api-key.bin';

export class AiKeyStore {
  readonly #file: string;
  readonly #cipher: SecretCipher;

  constructor(dir: string, cipher: SecretCipher) {
    this.#file = path.join(dir, KEY_FILE);
    this.#cipher = cipher;
  }

  /** Whether a key written now would be protected by the OS. */
  get secure(): boolean {
    if (!this.#cipher.isEncryptionAvailable()) return false;
    const backend = this.#cipher.getSelectedStorageBackend?.();
    return backend === undefined || backend !== 'basic_text';
  }

  /** The stored key, or null (none, or unreadable: e.g. the OS account's keyring changed). */
  load(): string | null {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.#file);
    } catch {
      return null;
    }
    if (!this.#cipher.isEncryptionAvailable()) return null;
    try {
      const key = this.#cipher.decryptString(data).trim();
      return key === '' ? null : key;
    } catch {
      return null;
    }
  }

  /** Store (or, with null, remove) the key. Returns whether it is now kept securely on disk. */
  save(key: string | null): boolean {
    if (key === null || !this.secure) {
      fs.rmSync(this.#file, { force: true });
      return false;
    }
    const tmp = `${this.#file}.tmp`;
    fs.mkdirSync(path.dirname(this.#file), { recursive: true });
    fs.writeFileSync(tmp, this.#cipher.encryptString(key), { mode: 0o600 });
    fs.renameSync(tmp, this.#file);
    return true;
  }
}
