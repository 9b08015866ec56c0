// The agent dashboard (/app) in tests: one server with an admin made by the CLI (as a person
// would: `linktor admin create`), the host site and the browser; signing in through the form.

import { readFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { createRequire } from 'node:module';
import { launch } from './browser.mjs';
import { startHost } from './host.mjs';
import { linktorCli, startServer } from './server.mjs';

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery', name: 'Ada Admin' };

/** One server (with the admin), one host site, one browser for a test file (or a describe block); `options` as startServer's. */
export function dashboardWorld(options) {
  const w = {};
  before(async () => {
    w.server = await startServer(options);
    createAgent(w.server, ADMIN);
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

/** `linktor admin create` on the server's data (role admin or agent). */
export function createAgent(server, { email, password, name = 'Agent', role = 'admin' }) {
  return linktorCli(server.env, 'admin', 'create', '--email', email, '--password', password, '--name', name, '--role', role);
}

/** A fresh browser context on the dashboard, signed in through the form. `errors` as in open(); `init` runs before the page's scripts. */
export async function signIn(w, { email = ADMIN.email, password = ADMIN.password, path = '/app', init } = {}) {
  const context = await w.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  if (init) await page.addInitScript(init);
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  // A confirm() is the dashboard asking before something destructive: accepted. Any other
  // dialog (an alert a script in a visitor's name might raise) is an error.
  page.on('dialog', (d) => {
    if (d.type() === 'confirm') return void d.accept();
    errors.push(`dialog: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(w.server.origin + path);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return { page, context, errors };
}

/** Sets the signed-in agent's availability with the header's switcher. */
export async function setAvailability(page, availability) {
  const put = page.waitForResponse((r) => r.url().endsWith('/v1/agents/me/availability') && r.request().method() === 'PUT');
  await page.getByLabel('Your availability').selectOption(availability);
  const r = await put;
  if (!r.ok()) throw new Error(`availability: HTTP ${r.status()}`);
}

/** The browser's own console errors for a failed request are expected where a test provokes one. */
export const realErrors = (errors) => errors.filter((e) => !/Failed to load resource: the server responded with a status of (401|403|404|422)/.test(e));

const require = createRequire(import.meta.url);

/** Runs axe-core on the page; its violations (id, impact, the elements), [] when clean. */
export async function axe(page, options = {}) {
  // Evaluated through the DevTools protocol: the dashboard's CSP refuses injected script tags.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async (opts) => {
    const r = await window.axe.run(opts.include ? { include: opts.include, exclude: opts.exclude ?? [] } : document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  }, options);
}

/** A same-origin request from the signed-in page (cookie sent), with or without the CSRF token. */
export function pageFetch(page, method, path, body, { csrf = true } = {}) {
  return page.evaluate(
    async ({ method, path, body, csrf }) => {
      const headers = { 'Content-Type': 'application/json' };
      if (csrf) headers['X-CSRF-Token'] = (await (await fetch('/v1/auth/session')).json()).csrfToken;
      const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: r.status, body: json };
    },
    { method, path, body, csrf },
  );
}
