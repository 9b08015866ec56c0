// How every npm package of web/ is built for publishing: the wire types copied into
// src/protocol and the web/shared files it names into src/shared (copy-sources.mjs), then
// dist/esm (ES module) and dist/cjs (CommonJS) bundles of src/index.ts by esbuild, each with the
// .d.ts files tsc emits (the same files twice, so both module systems find types that resolve
// in their own mode).

import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { copyProtocol, copyShared } from './copy-sources.mjs';
import { fileURLToPath } from 'node:url';

const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

/**
 * `dir`: the package folder (with src/index.ts and a tsconfig.json emitting declarations).
 * `external`: imports left to the user's bundler (peer dependencies). `banner`: a first line
 * for both bundles (React's 'use client'). `shared`: files of web/shared the package imports
 * from ./shared/.
 */
export async function buildLibrary(dir, { external = [], banner, platform = 'neutral', entry = 'src/index.ts', shared = [] } = {}) {
  copyProtocol(`${dir}/src/protocol`);
  if (shared.length) copyShared(shared, `${dir}/src/shared`);
  rmSync(`${dir}/dist`, { recursive: true, force: true });
  const common = {
    absWorkingDir: dir,
    entryPoints: [entry],
    bundle: true,
    platform,
    target: 'es2020',
    logLevel: 'warning',
    external,
    banner: banner ? { js: banner } : undefined,
  };
  await esbuild.build({ ...common, format: 'esm', outfile: 'dist/esm/index.js' });
  await esbuild.build({ ...common, format: 'cjs', outfile: 'dist/cjs/index.js' });
  execFileSync(process.execPath, [tsc, '-p', dir, '--outDir', `${dir}/dist/esm`], { stdio: 'inherit' });
  for (const f of readdirSync(`${dir}/dist/esm`, { recursive: true })) if (String(f).endsWith('.d.ts')) cpSync(`${dir}/dist/esm/${f}`, `${dir}/dist/cjs/${f}`);
  writeFileSync(`${dir}/dist/cjs/package.json`, '{ "type": "commonjs" }\n');
  writeFileSync(`${dir}/dist/esm/package.json`, '{ "type": "module" }\n');
}
