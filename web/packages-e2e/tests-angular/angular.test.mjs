// @linktor/angular-webchat: the spec's Angular example (NgModule with forRoot, the
// <linktor-chat> template) in a real Angular app. Run from web/angular (`npm run test:e2e`):
// Angular comes from web/angular/node_modules, the package from web/angular/dist.

import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { world } from '../../e2e/lib/setup.mjs';
import { bundle, checkExample, servePage } from '../lib/app.mjs';

const angular = fileURLToPath(new URL('../../angular/', import.meta.url));
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
