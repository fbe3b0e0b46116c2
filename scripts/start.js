// `npm start`: build what is missing, then run the API and the worker in one process.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildIfNeeded } from './build-if-needed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
buildIfNeeded(root);
await import(pathToFileURL(join(root, 'dist/apps/api/src/main.js')).href);
