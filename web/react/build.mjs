// Builds the published package (../scripts/lib-build.mjs): ESM and CommonJS with .d.ts, React
// left to the app, the wrapper core copied in from web/shared. 'use client' marks the module as
// client code for React Server Components (Next.js App Router); rendering it on the server is
// still safe and renders nothing.

import { fileURLToPath } from 'node:url';
import { WRAPPER_CORE } from '../scripts/copy-sources.mjs';
import { buildLibrary } from '../scripts/lib-build.mjs';

await buildLibrary(fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, ''), { external: ['react'], banner: "'use client';", shared: WRAPPER_CORE });
