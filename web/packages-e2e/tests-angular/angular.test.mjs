// @linktor/angular-webchat: the spec's Angular example (NgModule with forRoot, the
// <linktor-chat> template) in a real Angular app. Run from web/angular (`npm run test:e2e`):
// Angular comes from web/angular/node_modules, the package from web/angular/dist.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { world } from '../../e2e/lib/setup.mjs';
import { bundle, checkEvents, checkExample, servePage } from '../lib/app.mjs';

const angular = fileURLToPath(new URL('../../angular/', import.meta.url));
const here = fileURLToPath(new URL('../', import.meta.url));
const w = world();

test("the spec's Angular example: widget, opens, (onMessage), user updates, destroy removes it", async () => {
  const js = await bundle('angular/main.ts', {
    channelId: w.server.channel.id,
    baseUrl: w.server.origin,
    nodePaths: [`${angular}node_modules`],
    alias: { '@linktor/angular-webchat': `${angular}dist/fesm2022/linktor-angular-webchat.mjs` },
  });
  const url = servePage(w.host, 'angular', js);
  await checkExample({ world: w, url, initialUser: { id: 'user_123', name: 'John Doe', email: 'john@example.com' } });
});

test('standalone with provideLinktor: (onReady), (onOpen), (onClose); change detection keeps the widget, a new input re-creates it', async () => {
  const js = await bundle('angular/events.ts', {
    channelId: w.server.channel.id,
    baseUrl: w.server.origin,
    nodePaths: [`${angular}node_modules`],
    alias: { '@linktor/angular-webchat': `${angular}dist/fesm2022/linktor-angular-webchat.mjs` },
  });
  await checkEvents({ world: w, url: servePage(w.host, 'angular-events', js) });
});

test("npm pack's tarball, installed in a fresh project, runs the spec's Angular example", async () => {
  const project = mkdtempSync(join(tmpdir(), 'linktor-fresh-ng-'));
  try {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: `${angular}dist`, stdio: ['ignore', 'ignore', 'inherit'] });
    const [tarball] = readdirSync(project).filter((f) => f.endsWith('.tgz'));
    assert.match(tarball, /^linktor-angular-webchat-.*\.tgz$/);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh', private: true, type: 'module' }));
    const dev = JSON.parse(readFileSync(`${angular}package.json`, 'utf8')).devDependencies;
    const deps = ['@angular/core', '@angular/common', '@angular/compiler', '@angular/platform-browser', 'rxjs'].map((d) => `${d}@${dev[d]}`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`, ...deps], { cwd: project, stdio: ['ignore', 'ignore', 'inherit'] });
    assert.ok(readdirSync(join(project, 'node_modules/@linktor/angular-webchat')).includes('README.md'));
    cpSync(join(here, 'apps/angular'), join(project, 'apps/angular'), { recursive: true });
    const js = await bundle('angular/main.ts', { root: project, channelId: w.server.channel.id, baseUrl: w.server.origin });
    assert.ok(js.includes('// node_modules/@linktor/angular-webchat/fesm2022/linktor-angular-webchat.mjs'), 'bundled from the installed tarball');
    await checkExample({ world: w, url: servePage(w.host, 'fresh-angular', js), initialUser: { id: 'user_123', name: 'John Doe', email: 'john@example.com' } });
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
