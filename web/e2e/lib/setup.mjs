// One server, one host site and one browser per test file, stopped after it.

import { after, before } from 'node:test';
import { launch } from './browser.mjs';
import { startHost } from './host.mjs';
import { startServer } from './server.mjs';

export function world() {
  const w = {};
  before(async () => {
    w.server = await startServer();
    w.host = await startHost();
    w.browser = await launch();
  });
  after(async () => {
    await w.browser?.close();
    await w.host?.stop();
    await w.server?.stop();
  });
  return w;
}

export const wait = (ms) => new Promise((r) => setTimeout(r, ms));
