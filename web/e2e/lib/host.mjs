// The customer's website: a small HTTP server on another port than linktor (so the widget
// runs cross-origin, as on a real site), serving the pages each test registers.

import http from 'node:http';
import { freePort } from './server.mjs';

/** The spec's loader snippet, verbatim, with our server in place of widget.linktor.io. */
export const loader = (apiOrigin) => `(function(l,i,n,k,t,o,r){
    l['LinktorObject']=t;l[t]=l[t]||function(){
    (l[t].q=l[t].q||[]).push(arguments)};l[t].l=1*new Date();
    o=i.createElement(n);r=i.getElementsByTagName(n)[0];
    o.async=1;o.src=k;r.parentNode.insertBefore(o,r);
  })(window,document,'script','${apiOrigin}/v1/linktor.js','linktor');`;

/** A plain, accessible host page around the given body end (usually the snippet). */
export const pageHtml = (tail, { head = '', body = '<main><h1>Acme Store</h1><p>Welcome to our store.</p></main>', lang = 'en' } = {}) =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme Store</title>${head}</head><body>${body}${tail}</body></html>`;

/** The snippet inline, as the spec's Installation section shows it. */
export const snippetPage = (apiOrigin, init, opts) =>
  pageHtml(`\n<!-- Linktor WebChat Widget -->\n<script>\n  ${loader(apiOrigin)}\n\n  ${init}\n</script>\n`, opts);

export async function startHost() {
  const pages = new Map();
  const port = await freePort();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const p = pages.get(path);
    if (path === '/favicon.ico') {
      res.writeHead(204);
      return res.end();
    }
    if (!p) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, { 'Content-Type': p.type, 'Cache-Control': 'no-store', ...p.headers });
    // <!--PAUSE--> sends what comes before it, then the rest 1.5 s later (a slow page).
    const [first, rest] = p.body.split('<!--PAUSE-->');
    if (rest === undefined) return res.end(first);
    res.write(first);
    setTimeout(() => res.end(rest), 1500);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  // localhost, not 127.0.0.1: the page's Origin differs from the API's by host and port.
  const origin = `http://localhost:${port}`;
  return {
    origin,
    /** Registers a page; returns its URL. */
    page(path, body, headers = {}, type = 'text/html; charset=utf-8') {
      pages.set(path, { body, headers, type });
      return origin + path;
    },
    stop: () => new Promise((r) => server.close(r)),
  };
}
