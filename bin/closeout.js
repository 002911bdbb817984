#!/usr/bin/env node
// The `closeout` command. It runs the built CLI (out/main/cli.js): `npm run build` makes it.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('Closeout\'s command line is not built yet. Run "npm run build" in the Closeout folder, then try again.\n');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
