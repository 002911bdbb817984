import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli';

// Packaging needs downloads these machines cannot make; electron-builder's own loader and
// schema validator can still check the configuration, so a typo fails CI, not a release.
const require = createRequire(import.meta.url);

describe('electron-builder configuration', () => {
  type Target = { target: string };
  const raw = parse(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as {
    win: { target: Target[]; icon: string };
    linux: { target: Target[] };
    asar: boolean;
    electronFuses: Record<string, boolean>;
    npmRebuild: boolean;
    asarUnpack: string[];
    files: string[];
  };

  it('passes electron-builder\'s own schema validation', async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      getConfig: (dir: string, file: string | null) => Promise<Record<string, unknown>>;
      validateConfiguration: (c: unknown, logger: { isEnabled: boolean; add: () => void }) => Promise<void>;
    };
    const config = await getConfig(ROOT, null);
    expect(config['appId']).toBe('com.closeout.ionm');
    const logger = { isEnabled: false, add: () => {} };
    await expect(validateConfiguration(config, logger)).resolves.toBeUndefined();
    // The validator is real: a misspelt option is caught.
    await expect(validateConfiguration({ ...config, electronFuzes: {} }, logger)).rejects.toThrow(/electronFuzes/);
  });

  it('packages Windows NSIS and Linux AppImage + deb', () => {
    expect(raw.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(raw.linux.target.map((t) => t.target)).toEqual(['AppImage', 'deb']);
  });

  it('uses asar and turns off RunAsNode, NODE_OPTIONS and --inspect', () => {
    expect(raw.asar).toBe(true);
    expect(raw.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('rebuilds better-sqlite3 for Electron at packaging time, never at install time', () => {
    expect(raw.npmRebuild).toBe(true);
    expect(raw.asarUnpack).toContain('**/*.node');
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.postinstall).toBeUndefined();
    expect(JSON.stringify(pkg.scripts)).not.toMatch(/install-app-deps|electron-rebuild/);
    expect(pkg.dependencies['better-sqlite3']).toMatch(/^\^?12\./);
    // Renderer-only libraries are bundled by Vite, so they stay out of the packaged node_modules.
    expect(pkg.dependencies.react).toBeUndefined();
  });

  it('ships the icon and the built app, not sources or Node-only tools', () => {
    expect(fs.existsSync(path.join(ROOT, raw.win.icon))).toBe(true);
    expect(raw.files).toEqual(expect.arrayContaining(['out/**/*', '!out/main/cli.js', '!out/main/devhost.js']));
  });
});
