/**
 * The layer rule is an allow-list (electron/tools/eslint-layers.mjs). Each violation below once
 * passed lint; planted as a file in its layer (linted as text at that path, the tree untouched),
 * each must now fail, and its clean twin must pass.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

const eslint = new ESLint({ cwd: ROOT });

async function problems(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (r?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

const PLANTED: ReadonlyArray<readonly [what: string, file: string, code: string, rule: RegExp]> = [
  ['better-sqlite3 in shared/', 'shared/domain/planted.ts', "import Database from 'better-sqlite3';\nexport const d = Database;\n", /layers.*package "better-sqlite3"/],
  ['a type from chokidar in shared/', 'shared/domain/planted.ts', "import type { FSWatcher } from 'chokidar';\nexport type W = FSWatcher;\n", /layers.*package "chokidar"/],
  ['await import("node:fs") in shared/', 'shared/util/planted.ts', "export async function f() {\n  return (await import('node:fs')).readFileSync;\n}\n", /layers.*Node's built-ins/],
  ['require("fs") in shared/', 'shared/util/planted.ts', "export const fs = require('fs');\n", /layers.*Node's built-ins/],
  ['Buffer in shared/', 'shared/util/planted.ts', "export const b = Buffer.from('x');\n", /no-restricted-globals/],
  ['process in shared/', 'shared/util/planted.ts', "export const home = process.env['HOME'];\n", /no-restricted-globals/],
  ['a computed import() in shared/', 'shared/util/planted.ts', "export async function f(p: string) {\n  return import(p);\n}\n", /layers.*fixed paths/],
  ['await import("electron") in services', 'electron/services/cases/planted.ts', "export async function f() {\n  return (await import('electron')).app;\n}\n", /layers.*package "electron"/],
  ['the simulator from services', 'electron/services/cases/planted.ts', "export { CASE_DURATION_MS } from '../../simulator/scenario';\n", /layers.*electron\/simulator/],
  ['electron.ipcMain through a default import', 'electron/main/planted.ts', "import electron from 'electron';\nelectron.ipcMain.handle('x', () => 1);\n", /no-restricted-syntax/],
  ['chokidar in the renderer', 'renderer/src/planted.ts', "import chokidar from 'chokidar';\nexport const c = chokidar;\n", /layers.*package "chokidar"/],
  ['node:path in the renderer', 'renderer/src/planted.ts', "import path from 'node:path';\nexport const p = path;\n", /layers.*Node's built-ins/],
  ['a service from the renderer', 'renderer/src/planted.ts', "export { Store } from '../../electron/services/store/store';\n", /layers.*electron\/services/],
  ['Electron in the simulator', 'electron/simulator/planted.ts', "import { app } from 'electron';\nexport const a = app;\n", /layers.*package "electron"/],
  ['services from the simulator', 'electron/simulator/planted.ts', "import { Store } from '../services/store/store';\nexport const s = Store;\n", /layers.*electron\/services/],
  ['Electron in the bench', 'electron/bench/planted.ts', "import { app } from 'electron';\nexport const a = app;\n", /layers.*package "electron"/],
  ['the shell from the bench', 'electron/bench/planted.ts', "export * from '../main/ipc-router';\n", /layers.*electron\/main/],
  ['the CLI from services', 'electron/services/cases/planted.ts', "import { runCli } from '../../cli/run';\nexport const r = runCli;\n", /layers.*electron\/cli/],
];

const CLEAN: ReadonlyArray<readonly [file: string, code: string]> = [
  ['shared/domain/planted.ts', "import { z } from 'zod';\nimport { ok } from '../util/result';\nexport const s = z.string();\nexport const o = ok;\n"],
  ['renderer/src/planted.ts', "import { useState } from 'react';\nimport { createRoot } from 'react-dom/client';\nimport { METHODS } from '../../shared/contract/methods';\nexport const x = [useState, createRoot, METHODS];\n"],
  ['electron/services/cases/planted.ts', "import fs from 'node:fs';\nimport type Database from 'better-sqlite3';\nimport { ok } from '../../../shared/util/result';\nexport type D = Database.Database;\nexport const x = [fs, ok];\nexport async function f() {\n  return import('../store/store');\n}\n"],
  ['electron/simulator/planted.ts', "import fs from 'node:fs';\nimport { mllpEncode } from '../../shared/hl7/mllp';\nexport const x = [fs, mllpEncode];\n"],
];

describe('layers as an allow-list', () => {
  it.each(PLANTED)('%s fails lint', async (_what, file, code, rule) => {
    const found = await problems(file, code);
    expect(found.some((p) => rule.test(p)), found.join('\n') || 'no problem found').toBe(true);
  });

  it.each(CLEAN)('a clean file in %s passes', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
