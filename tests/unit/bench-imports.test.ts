/**
 * `npm run bench` runs outside vitest, and some suites borrow test helpers (the fake Anthropic
 * server, Chromium, the practice server). A helper that reaches vitest's hooks (afterEach…) makes
 * that suite fail when it loads ("Vitest failed to find the current suite"), which only a full
 * bench run would show. So: nothing the bench imports from tests/ leads to vitest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveTs(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
  return null;
}

/** The chain of files from `file` to an import of vitest, or null. Type-only imports are erased and not followed. */
function pathToVitest(file: string, seen = new Set<string>()): string[] | null {
  if (seen.has(file)) return null;
  seen.add(file);
  const code = fs.readFileSync(file, 'utf8');
  for (const m of code.matchAll(IMPORT)) {
    if (/^\s*(?:import|export)\s+type\s/.test(m[0])) continue;
    const spec = (m[1] ?? m[2])!;
    if (spec === 'vitest' || spec.startsWith('vitest/')) return [path.relative(ROOT, file)];
    if (!spec.startsWith('.')) continue;
    const next = resolveTs(file, spec);
    const deeper = next && pathToVitest(next, seen);
    if (deeper) return [path.relative(ROOT, file), ...deeper];
  }
  return null;
}

describe('the bench', () => {
  it('loads no test helper that reaches vitest', () => {
    const dir = path.join(ROOT, 'electron', 'bench');
    const chains = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => pathToVitest(path.join(dir, f)))
      .filter((c): c is string[] => c !== null)
      .map((c) => c.join(' → '));
    expect(chains).toEqual([]);
  });

  it('would see one (the check finds a helper that does)', () => {
    expect(pathToVitest(path.join(ROOT, 'tests', 'helpers', 'practice-workstation.ts'))).toEqual(['tests/helpers/practice-workstation.ts', 'tests/helpers/backend.ts', 'tests/helpers/temp-dir.ts']);
  });
});
