// Copies the wire types generated from the Rust types (web/protocol) into a package's source,
// with `.js` on their relative imports so Node16/NodeNext projects resolve the published
// .d.ts files. Every npm package of web/ uses it, so each carries its own copy.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const protocolDir = fileURLToPath(new URL('../protocol/', import.meta.url));

export function copyProtocol(into) {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  for (const f of readdirSync(protocolDir)) {
    if (!f.endsWith('.ts')) continue;
    const src = readFileSync(protocolDir + f, 'utf8').replace(/(from\s+["'])(\.\/[A-Za-z0-9_]+)(["'])/g, '$1$2.js$3');
    writeFileSync(`${into}/${f}`, src);
  }
}
