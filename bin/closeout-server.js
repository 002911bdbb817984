#!/usr/bin/env node
// The `closeout-server` command (the practice server). It runs the built entry (out/main/server.js): `npm run build` makes it.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../out/main/server.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('The Closeout practice server is not built yet. Run "npm run build" in the Closeout folder, then try again.\n');
  process.exit(1);
}
await import(pathToFileURL(entry).href);
