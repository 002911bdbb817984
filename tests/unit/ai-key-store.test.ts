import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AiKeyStore, KEY_FILE, type SecretCipher } from '../../electron/main/ai-key-store';
import { tempDir } from '../helpers/temp-dir';

/**
 * Stand-in for Electron's safeStorage (not available under Node): a reversible transform with
 * the same interface, enough to test what the store does with files and failures.
 */
function cipher(opts: { available?: boolean; backend?: string } = {}): SecretCipher {
  return {
    isEncryptionAvailable: () => opts.available ?? true,
    encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
    decryptString: (b) => {
      const t = b.toString();
      if (!t.startsWith('enc:')) throw new Error('bad ciphertext');
      return Buffer.from(t.slice(4), 'base64').toString();
    },
    ...(opts.backend ? { getSelectedStorageBackend: () => opts.backend! } : {}),
  };
}

describe('AiKeyStore', () => {
  it('keeps the key encrypted in its own file, reads it back, and forgets it', () => {
    const dir = tempDir();
    const store = new AiKeyStore(dir, cipher());
    expect(store.load()).toBeNull();
    expect(store.save('sk-ant-abc')).toBe(true);
    const raw = fs.readFileSync(path.join(dir, KEY_FILE));
    expect(raw.includes('sk-ant-abc')).toBe(false);
    if (process.platform !== 'win32') expect((fs.statSync(path.join(dir, KEY_FILE)).mode & 0o777).toString(8)).toBe('600');
    expect(store.load()).toBe('sk-ant-abc');
    expect(store.save(null)).toBe(false);
    expect(store.load()).toBeNull();
    expect(fs.existsSync(path.join(dir, KEY_FILE))).toBe(false);
  });

  it('writes nothing where the OS has no real secure store (Linux without a keyring)', () => {
    const dir = tempDir();
    for (const c of [cipher({ available: false }), cipher({ backend: 'basic_text' })]) {
      const store = new AiKeyStore(dir, c);
      expect(store.secure).toBe(false);
      expect(store.save('sk-ant-abc')).toBe(false);
      expect(fs.readdirSync(dir)).toEqual([]);
    }
    expect(new AiKeyStore(dir, cipher({ backend: 'gnome_libsecret' })).secure).toBe(true);
  });

  it('treats an unreadable file as no key (say, the keyring changed) rather than failing', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, KEY_FILE), 'garbage');
    expect(new AiKeyStore(dir, cipher()).load()).toBeNull();
  });
});
