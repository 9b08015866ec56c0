// @linktor/react-webchat: the spec's React example in a real React 19 StrictMode app.

import { test } from 'node:test';
import { world } from '../../e2e/lib/setup.mjs';
import { bundle, checkEvents, checkExample, servePage } from '../lib/app.mjs';

const w = world();

test("the spec's React example: one widget, opens, onMessage, user updates, unmount removes it", async () => {
  const js = await bundle('react.tsx', { channelId: w.server.channel.id, baseUrl: w.server.origin });
  const url = servePage(w.host, 'react', js);
  await checkExample({ world: w, url, initialUser: { id: 'user_123', name: 'John Doe', email: 'john@example.com' } });
});

test('onReady, onOpen, onClose; new callback functions keep the widget, a new option re-creates it', async () => {
  const js = await bundle('react-events.tsx', { channelId: w.server.channel.id, baseUrl: w.server.origin });
  await checkEvents({ world: w, url: servePage(w.host, 'react-events', js) });
});
