// Builds the published package (../scripts/lib-build.mjs): ESM and CommonJS with .d.ts, Vue left
// to the app, the wrapper core copied in from web/shared.

import { fileURLToPath } from 'node:url';
import { WRAPPER_CORE } from '../scripts/copy-sources.mjs';
import { buildLibrary } from '../scripts/lib-build.mjs';

await buildLibrary(fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, ''), { external: ['vue'], shared: WRAPPER_CORE });
