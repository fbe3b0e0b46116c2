#!/usr/bin/env node
// The `drydock` command: the built CLI (apps/cli). `npm run build:server` produces it.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  console.error(
    'drydock: the CLI is not built yet. Run `npm run build:server` (or `npm start`, which builds it) first.',
  );
  process.exit(1);
}
await import(pathToFileURL(entry).href);
