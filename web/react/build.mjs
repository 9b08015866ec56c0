// Builds the published package (../sdk/lib-build.mjs): ESM and CommonJS with .d.ts, React left
// to the app. 'use client' marks the module as client code for React Server Components
// (Next.js App Router); rendering it on the server is still safe and renders nothing.

import { fileURLToPath } from 'node:url';
import { buildLibrary } from '../sdk/lib-build.mjs';

await buildLibrary(fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, ''), { external: ['react'], banner: "'use client';" });
