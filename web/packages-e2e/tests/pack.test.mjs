// `npm pack` gives installable tarballs: a fresh project (outside web/, so nothing resolves
// through the workspaces) installs @linktor/sdk, @linktor/react-webchat and
// @linktor/vue-webchat from their tarballs and runs the spec's examples against the real
// server: the SDK's messages.send from Node (ESM and CommonJS), the React and Vue apps in
// Chromium.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { world } from '../../e2e/lib/setup.mjs';
import { visitor } from '../../sdk/test/helpers.mjs';
import { bundle, checkExample, servePage } from '../lib/app.mjs';

const web = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('../', import.meta.url));
const w = world();
let project;

before(() => {
  project = mkdtempSync(join(tmpdir(), 'linktor-fresh-'));
  // prepack builds each package first.
  execFileSync('npm', ['pack', '--silent', '--pack-destination', project, '-w', 'sdk', '-w', 'react', '-w', 'vue'], { cwd: web, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarballs = readdirSync(project).filter((f) => f.endsWith('.tgz'));
  assert.equal(tarballs.length, 3, `three tarballs: ${tarballs}`);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh', private: true, type: 'module' }));
  const peers = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).devDependencies;
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.map((t) => `./${t}`), `react@${peers.react}`, `react-dom@${peers['react-dom']}`, `vue@${peers.vue}`], {
    cwd: project,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
});
after(() => project && rmSync(project, { recursive: true, force: true }));

test('the tarballs hold the built package, its types and README, and nothing else', () => {
  for (const name of ['sdk', 'react-webchat', 'vue-webchat']) {
    const dir = join(project, 'node_modules/@linktor', name);
    assert.deepEqual(readdirSync(dir).sort(), ['README.md', 'dist', 'package.json']);
    assert.deepEqual(readdirSync(join(dir, 'dist')).sort(), ['cjs', 'esm']);
    assert.ok(readdirSync(join(dir, 'dist/esm/protocol')).includes('Message.d.ts'), 'the wire types travel with the package');
  }
});

test("the SDK from its tarball: the spec's messages.send examples (ESM) and a CommonJS require", async () => {
  const v = await visitor(w.server);
  const example = readFileSync(join(web, 'sdk/test/spec/server-side.ts'), 'utf8')
    .replace("new Linktor({ apiKey: 'YOUR_API_KEY' })", `new Linktor({ apiKey: ${JSON.stringify(w.server.key)}, baseUrl: ${JSON.stringify(w.server.origin)} })`)
    .replaceAll("'ch_webchat_123'", JSON.stringify(w.server.channel.id))
    .replaceAll("'visitor_abc123'", JSON.stringify(v.id));
  writeFileSync(join(project, 'example.mjs'), example);
  execFileSync(process.execPath, ['example.mjs'], { cwd: project, stdio: 'inherit' });
  await v.next(() => v.frames.filter((f) => f.type === 'message').length === 3, 'the three messages');
  const cjs = `const { Linktor } = require('@linktor/sdk');
new Linktor({ apiKey: ${JSON.stringify(w.server.key)}, baseUrl: ${JSON.stringify(w.server.origin)} }).visitors.get(${JSON.stringify(v.id)}).then((x) => console.log(x.id));`;
  writeFileSync(join(project, 'example.cjs'), cjs);
  assert.equal(execFileSync(process.execPath, ['example.cjs'], { cwd: project, encoding: 'utf8' }).trim(), v.id);
  v.close();
});

for (const [name, entry, files, pkg] of [
  ['React', 'react.tsx', ['react.tsx'], 'react-webchat'],
  ['Vue', 'vue/main.js', ['vue'], 'vue-webchat'],
]) {
  test(`the ${name} example built against the installed tarball works in Chromium`, async () => {
    for (const f of files) cpSync(join(here, 'apps', f), join(project, 'apps', f), { recursive: true });
    const js = await bundle(entry, { root: project, channelId: w.server.channel.id, baseUrl: w.server.origin, define: { __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' } });
    // esbuild names each bundled file relative to the project: the installed copy, not web/.
    assert.ok(js.includes(`// node_modules/@linktor/${pkg}/dist/esm/index.js`), 'bundled from the installed tarball');
    await checkExample({ world: w, url: servePage(w.host, `fresh-${name}`, js), initialUser: { id: 'user_123', name: 'John Doe', email: 'john@example.com' } });
  });
}

test('the React tarball with React 18 (StrictMode, createRoot) passes the same checks', async () => {
  const r18 = join(project, 'react18');
  cpSync(join(here, 'apps/react.tsx'), join(r18, 'apps/react.tsx'));
  writeFileSync(join(r18, 'package.json'), JSON.stringify({ name: 'fresh-react18', private: true, type: 'module' }));
  const tarball = readdirSync(project).find((f) => f.startsWith('linktor-react-webchat-'));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `../${tarball}`, 'react@18', 'react-dom@18'], { cwd: r18, stdio: ['ignore', 'ignore', 'inherit'] });
  assert.match(JSON.parse(readFileSync(join(r18, 'node_modules/react/package.json'), 'utf8')).version, /^18\./);
  const js = await bundle('react.tsx', { root: r18, channelId: w.server.channel.id, baseUrl: w.server.origin });
  await checkExample({ world: w, url: servePage(w.host, 'fresh-react18', js), initialUser: { id: 'user_123', name: 'John Doe', email: 'john@example.com' } });
});
