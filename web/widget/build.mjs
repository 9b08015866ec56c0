// Builds dist/linktor.js (the loader every page loads), dist/linktor-panel.js (the chat
// panel, loaded on demand) and dist/linktor-<part>.js (what only some visitors use, fetched by
// the panel when first shown: src/parts/), minified, and checks them against the weight
// budget: at most 6 KB gzip for the loader, 30 KB gzip for what opening the chat loads
// (loader, panel and the visitor's language's strings), and 2 KB gzip for each part, which
// only a visitor who uses it loads, later (the survey after a resolution, the transcript form,
// the emoji picker). Also writes dist/linktor-<lang>.json. `--watch` rebuilds on change.

import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const BUDGET = { loader: 6 * 1024, total: 30 * 1024, part: 2 * 1024 };

const common = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome96', 'firefox95', 'safari15.4', 'edge96'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  charset: 'utf8',
  absWorkingDir: here,
  logLevel: 'warning',
};

const PARTS = ['emoji', 'survey', 'transcript'];

/** In a part, Preact is the panel's, lent at run time (src/parts/borrowed.ts): never bundled twice. */
const borrowPreact = {
  name: 'borrow-preact',
  setup(b) {
    b.onResolve({ filter: /^preact(\/|$)/ }, () => ({ path: `${here}src/parts/borrowed.ts` }));
  },
};

const builds = [
  { ...common, entryPoints: ['src/loader/index.ts'], outfile: 'dist/linktor.js' },
  { ...common, entryPoints: ['src/panel/index.tsx'], outfile: 'dist/linktor-panel.js' },
  ...PARTS.map((p) => ({ ...common, entryPoints: [`src/parts/${p}.tsx`], outfile: `dist/linktor-${p}.js`, plugins: [borrowPreact] })),
];

/** The panel's non-English strings, fetched by the panel from beside it: dist/linktor-<lang>.json. */
function writeLanguages() {
  mkdirSync(`${here}dist`, { recursive: true });
  const en = Object.keys(JSON.parse(readFileSync(`${here}src/i18n/en.json`, 'utf8')));
  for (const lang of ['es', 'pt', 'fr', 'de']) {
    const table = JSON.parse(readFileSync(`${here}src/i18n/${lang}.json`, 'utf8'));
    const missing = en.filter((k) => !(k in table));
    if (missing.length) throw new Error(`src/i18n/${lang}.json lacks ${missing.join(', ')}`);
    writeFileSync(`${here}dist/linktor-${lang}.json`, JSON.stringify(table));
  }
}

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

function report() {
  const loader = gz(`${here}dist/linktor.js`);
  const panel = gz(`${here}dist/linktor-panel.js`);
  const lang = Math.max(...['es', 'pt', 'fr', 'de'].map((l) => gz(`${here}dist/linktor-${l}.json`)));
  const kb = (n) => `${(n / 1024).toFixed(2)} KB (${n} B)`;
  console.log(`linktor.js        ${kb(loader)} gzip (budget ${kb(BUDGET.loader)})`);
  console.log(`linktor-panel.js  ${kb(panel)} gzip`);
  console.log(`linktor-<lang>.json ${kb(lang)} gzip at most (es, pt, fr, de; English is in the panel)`);
  const total = loader + panel + lang;
  console.log(`total             ${kb(total)} gzip at most (budget ${kb(BUDGET.total)})`);
  // A part is fetched after opening, by the visitors who use it: it has a budget of its own.
  let over = loader > BUDGET.loader || total > BUDGET.total;
  for (const p of PARTS) {
    const part = gz(`${here}dist/linktor-${p}.js`);
    console.log(`${`linktor-${p}.js`.padEnd(22)}${kb(part)} gzip, on demand (budget ${kb(BUDGET.part)}; with all opening loads ${kb(total + part)})`);
    over ||= part > BUDGET.part;
  }
  if (over) console.error('over the weight budget');
  return !over;
}

writeLanguages();
if (process.argv.includes('--watch')) {
  for (const b of builds) {
    const ctx = await esbuild.context({ ...b, plugins: [...(b.plugins ?? []), { name: 'size', setup: (p) => p.onEnd(() => report()) }] });
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (!report()) process.exit(1);
}
