// Headless Chromium (Debian's, through playwright-core) and what every test checks on a page:
// console errors and page errors are collected so a test can assert there were none.

import { chromium } from 'playwright-core';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** A fresh browser profile and a page in it; `errors` collects console errors and page errors. */
export async function open(browser, url, { viewport = { width: 1280, height: 800 }, context, init, ...options } = {}) {
  const ctx = context ?? (await browser.newContext({ viewport, ...options }));
  const page = await ctx.newPage();
  const errors = [];
  const logs = [];
  page.on('console', (m) => {
    logs.push(m.text());
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  if (init) await page.addInitScript(init);
  const session = nextSession(page);
  session.catch(() => undefined); // most tests never open a session
  if (url) await page.goto(url);
  return { page, context: ctx, errors, logs, session };
}

/** The next visitor session the widget creates: resolves to its JSON (visitorId, token…). */
export function nextSession(page) {
  return page
    .waitForResponse((r) => r.url().endsWith('/v1/widget/sessions') && r.request().method() === 'POST', { timeout: 15_000 })
    .then((r) => r.json());
}

/** Every frame the page's WebSockets send, parsed. */
export function sentFrames(page) {
  const frames = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push(JSON.parse(f.payload))));
  return frames;
}

/** Every frame the page's WebSockets receive, parsed. */
export function receivedFrames(page) {
  const frames = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(JSON.parse(f.payload))));
  return frames;
}

/** Resolves when `pred` holds (polling), or fails after `ms`. */
export async function until(pred, ms = 10_000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const launcher = (page) => page.locator('.linktor-launcher');
export const panel = (page) => page.locator('.linktor-panel');
export const input = (page) => page.locator('.linktor-input');

export async function openChat(page) {
  await launcher(page).click();
  await panel(page).waitFor({ state: 'visible' });
}

export async function say(page, text) {
  await input(page).fill(text);
  await input(page).press('Enter');
}
