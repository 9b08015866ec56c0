// Unit tests of a workspace (the widget, the dashboard): each test/*.test.ts of the package
// npm runs this in is bundled by esbuild for Node into .test-build/ and run with Node's own
// test runner (no test framework to install).

import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const root = `${process.cwd()}/`;
const out = `${root}.test-build/unit`;
rmSync(out, { recursive: true, force: true });
const tests = readdirSync(`${root}test`).filter((f) => f.endsWith('.test.ts') || f.endsWith('.test.tsx'));
await esbuild.build({
  entryPoints: tests.map((f) => `${root}test/${f}`),
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: 'inline',
  logLevel: 'warning',
});
const files = tests.map((f) => `${out}/${f.replace(/\.tsx?$/, '.mjs')}`);
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
