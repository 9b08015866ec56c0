// Builds the dashboard into dist/: app-<hash>.js and app-<hash>.css (one bundle each, minified,
// named by content so they can be cached) and index.html referencing them under /app/. No
// inline script or style, so the page runs under a strict Content-Security-Policy.
// `--watch` rebuilds on change.

import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = `${here}dist`;

const options = {
  entryPoints: { app: 'src/main.tsx' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome96', 'firefox95', 'safari15.4', 'edge96'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  charset: 'utf8',
  absWorkingDir: here,
  outdir: 'dist',
  entryNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
};

function writeIndex(metafile) {
  const outputs = Object.keys(metafile.outputs).map((p) => p.replace(/^dist\//, ''));
  const js = outputs.find((p) => /^app-.*\.js$/.test(p));
  const css = outputs.find((p) => /^app-.*\.css$/.test(p));
  const html = readFileSync(`${here}src/index.html`, 'utf8').replace('%JS%', `/app/${js}`).replace('%CSS%', `/app/${css}`);
  writeFileSync(`${dist}/index.html`, html);
  writeFileSync(`${dist}/favicon.svg`, readFileSync(`${here}src/favicon.svg`));
  // Only this build's files stay (no pile of old hashes).
  const keep = new Set([...outputs, 'index.html', 'favicon.svg']);
  for (const f of readdirSync(dist)) if (!keep.has(f)) rmSync(`${dist}/${f}`);
  const size = (f) => (gzipSync(readFileSync(`${dist}/${f}`), { level: 9 }).length / 1024).toFixed(1);
  console.log(`dashboard: ${js} ${size(js)} KB gzip, ${css} ${size(css)} KB gzip`);
}

mkdirSync(dist, { recursive: true });
if (process.argv.includes('--watch')) {
  const ctx = await esbuild.context({ ...options, plugins: [{ name: 'index', setup: (b) => b.onEnd((r) => r.metafile && writeIndex(r.metafile)) }] });
  await ctx.watch();
} else {
  const r = await esbuild.build(options);
  writeIndex(r.metafile);
}
