// Builds the published package: dist/esm (ES module) and dist/cjs (CommonJS), each with its
// .d.ts files. The wire types are copied from ../protocol (generated from the Rust types) into
// src/protocol first, with `.js` on their relative imports so Node16/NodeNext projects resolve
// them: the package carries its own types and depends on nothing.
// `--protocol-only` stops after the copy (for typecheck).

import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
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

copyProtocol(`${here}src/protocol`);
if (!process.argv.includes('--protocol-only')) {
  rmSync(`${here}dist`, { recursive: true, force: true });
  const common = { absWorkingDir: here, entryPoints: ['src/index.ts'], bundle: true, platform: 'neutral', target: 'es2020', logLevel: 'warning', external: ['node:crypto'] };
  await esbuild.build({ ...common, format: 'esm', outfile: 'dist/esm/index.js' });
  await esbuild.build({ ...common, format: 'cjs', outfile: 'dist/cjs/index.js' });
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  execFileSync(process.execPath, [tsc, '-p', here, '--outDir', `${here}dist/esm`], { stdio: 'inherit' });
  // The same declarations beside the CommonJS build, in a folder Node and TypeScript read as CommonJS.
  for (const f of readdirSync(`${here}dist/esm`, { recursive: true })) if (String(f).endsWith('.d.ts')) cpSync(`${here}dist/esm/${f}`, `${here}dist/cjs/${f}`);
  writeFileSync(`${here}dist/cjs/package.json`, '{ "type": "commonjs" }\n');
  writeFileSync(`${here}dist/esm/package.json`, '{ "type": "module" }\n');
}
