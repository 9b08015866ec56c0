// The real server (started as the widget's e2e tests start it) and a visitor talking to it as
// the widget does: a session from POST /v1/widget/sessions, then the WebSocket with `resume`.

import WebSocket from 'ws';
export { startServer, freePort } from '../../e2e/lib/server.mjs';

export const ORIGIN = 'http://localhost';

/** A new visitor of `channelId` with its socket open; `frames` collects what the server sends. */
export async function visitor(server, channelId = server.channel.id) {
  const r = await fetch(`${server.origin}/v1/widget/sessions`, {
    method: 'POST',
    headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ channelId }),
  });
  if (r.status !== 201) throw new Error(`session: HTTP ${r.status} ${await r.text()}`);
  const session = await r.json();
  const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/v1/ws?token=${encodeURIComponent(session.token)}`, { origin: ORIGIN });
  const frames = [];
  const waiters = new Set();
  ws.on('message', (data) => {
    const f = JSON.parse(String(data));
    frames.push(f);
    for (const w of waiters) if (w.pred(f)) (waiters.delete(w), w.resolve(f));
  });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const next = (pred, what = 'a frame', ms = 10_000) => {
    const seen = frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      waiters.add(w);
      setTimeout(() => waiters.delete(w) && reject(new Error(`no ${what} within ${ms} ms; got ${JSON.stringify(frames)}`)), ms);
    });
  };
  ws.send(JSON.stringify({ type: 'resume', lastSeq: 0 }));
  await next((f) => f.type === 'ready', 'ready frame');
  return {
    id: session.visitorId,
    session,
    frames,
    next,
    send: (frame) => ws.send(JSON.stringify(frame)),
    close: () => ws.close(),
  };
}
