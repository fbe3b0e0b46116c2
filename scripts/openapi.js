// `npm run openapi`: writes docs/openapi.json from the code (controllers, zod schemas), with no database:
// Nest's preview mode reads the module graph without instantiating providers.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildIfNeeded } from './build-if-needed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
buildIfNeeded(root);
const load = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const { AppConfig, createLogger } = await load('libs/platform/src/index.js');
const { generateOpenApi } = await load('apps/api/src/openapi/generate.js');
const config = AppConfig.fromEnv({
  PUBLIC_URL: 'http://localhost:8080',
  DATA_DIR: join(root, '.drydock', 'openapi'),
});
const doc = await generateOpenApi(config, createLogger('silent'));
writeFileSync(join(root, 'docs/openapi.json'), JSON.stringify(doc, null, 2) + '\n');
console.log(`docs/openapi.json: ${Object.keys(doc.paths).length} paths`);
process.exit(0);
