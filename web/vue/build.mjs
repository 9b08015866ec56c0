// Builds the published package (../sdk/lib-build.mjs): ESM and CommonJS with .d.ts, Vue left
// to the app. The framework-free widget core is the React package's src/widget.ts, copied.

import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLibrary } from '../sdk/lib-build.mjs';

const here = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '');
copyFileSync(`${here}/../react/src/widget.ts`, `${here}/src/widget.ts`);
await buildLibrary(here, { external: ['vue'] });
