// @linktor/vue-webchat: the spec's Vue example (a single-file component) in a real Vue 3 app.

import { test } from 'node:test';
import { world } from '../../e2e/lib/setup.mjs';
import { bundle, checkEvents, checkExample, servePage } from '../lib/app.mjs';

const w = world();
const VUE_FLAGS = { __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' };

test("the spec's Vue example: widget, opens, @message, reactive user, unmount removes it", async () => {
  const js = await bundle('vue/main.js', { channelId: w.server.channel.id, baseUrl: w.server.origin, define: VUE_FLAGS });
  const url = servePage(w.host, 'vue', js);
  await checkExample({ world: w, url, initialUser: { id: 'user_123', name: 'John Doe', email: 'john@example.com' } });
});

test('@ready, @open, @close; a re-render keeps the widget, a new prop re-creates it', async () => {
  const js = await bundle('vue/events.js', { channelId: w.server.channel.id, baseUrl: w.server.origin, define: VUE_FLAGS });
  await checkEvents({ world: w, url: servePage(w.host, 'vue-events', js) });
});
