// Copies into a published package's source what it carries of the rest of web/, so its npm
// pack output depends on nothing unpublished: the wire types generated from the Rust types
// (web/protocol), and the shared files it builds on (web/shared). The copies are git-ignored.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const protocolDir = fileURLToPath(new URL('../protocol/', import.meta.url));
const sharedDir = fileURLToPath(new URL('../shared/', import.meta.url));

/** What the React, Vue and Angular packages take from web/shared: the wrapper core and the types it needs. */
export const WRAPPER_CORE = ['options.ts', 'wrapper.ts'];

/**
 * web/protocol/*.ts into `into`, with `.js` on their relative imports so Node16/NodeNext
 * projects resolve the published .d.ts files.
 */
export function copyProtocol(into) {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  for (const f of readdirSync(protocolDir)) {
    if (!f.endsWith('.ts')) continue;
    const src = readFileSync(protocolDir + f, 'utf8').replace(/(from\s+["'])(\.\/[A-Za-z0-9_]+)(["'])/g, '$1$2.js$3');
    writeFileSync(`${into}/${f}`, src);
  }
}

/**
 * web/shared/<file> for each of `files` into `into`, which must sit beside the package's copy of
 * the wire types (`into/../protocol`), where the shared files look for them.
 */
export function copyShared(files, into) {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  for (const f of files) {
    writeFileSync(`${into}/${f}`, `// Copied from web/shared/${f} at build: edit that file, not this one.\n${readFileSync(sharedDir + f, 'utf8')}`);
  }
}
