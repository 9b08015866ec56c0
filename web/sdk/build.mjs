// Builds the published package (see ../scripts/lib-build.mjs): dist/esm and dist/cjs with their
// .d.ts, the wire types copied from ../protocol so the package carries its own and depends on nothing.

import { fileURLToPath } from 'node:url';
import { buildLibrary } from '../scripts/lib-build.mjs';

// node:crypto is only reached on Node 18, where Web Crypto is not global.
await buildLibrary(fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, ''), { external: ['node:crypto'] });
