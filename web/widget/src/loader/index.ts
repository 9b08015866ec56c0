// linktor.js: the loader the spec's snippet fetches. It replaces the snippet's queue with the
// real `linktor()` function (commands given earlier run in order once `init` has finished),
// shows the launcher and proactive messages, and loads the chat panel (linktor-panel.js, beside
// this file on the same server) on first open or, for a returning visitor, when the page is idle.
// The only globals are the snippet's own: `linktor` (or the name in LinktorObject) and LinktorObject.
// State is kept in closure variables rather than an object: minified, they cost one letter each.

import type { LinktorInitOptions, ProactiveMessageOption } from '@linktor/shared/options';
import type { ChannelConfig, UserInfo } from '../protocol';
import { commandQueue, type Command } from '../shared/commands';
import { darken, hex, onColor, parseHex } from '../shared/color';
import type { PanelApi, PanelModule } from '../shared/host';
import { PANEL_EVENT } from '../shared/host';
import { isRtl, stringsFor } from '../shared/language';
import { launcherStrings } from '../shared/launcherStrings';
import { isObj, validateOptions } from '../shared/options';
import { peekStorage } from '../shared/storage';
import { watchTriggers } from '../shared/triggers';
import { colorCss, loaderCss } from './styles';
import { createBubble, createLauncher, el, safeUrl, type LauncherView } from './launcher';

const COMMANDS = 'open close toggle sendMessage updateUser showProactiveMessage hideLauncher showLauncher destroy reset'.split(' ');
const report = (m: string) => console.error('[Linktor] ' + m);

(() => {
  const w = window as any;
  const globalName: string = w.LinktorObject || 'linktor';
  if (w[globalName]?.version) return; // linktor.js included twice: the first copy is live
  const queued: IArguments[] = w[globalName]?.q ?? [];

  // Where linktor.js came from is where the panel and the API are (classic scripts, even
  // async or injected by a tag manager, have currentScript while they first run).
  const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src || location.href;
  const apiBase = new URL(scriptUrl).origin;
  const panelUrl = new URL('linktor-panel.js', scriptUrl).href;

  // The panel's code, fetched once per page and kept across destroy/init.
  let panelModule: Promise<PanelModule> | null = null;
  let panelScript: HTMLScriptElement | null = null;
  let panelIds = 0;

  // The live widget, if any. `live` is bumped by destroy, so work started for an earlier
  // widget (a fetch, a timer, a panel being loaded) sees it is stale and stops.
  let live = 0;
  let starting = false;
  let ready = false;
  let options: LinktorInitOptions;
  let config: ChannelConfig | null;
  let language: string;
  let storage: ReturnType<typeof peekStorage>;
  let root: HTMLElement;
  let styles: HTMLStyleElement;
  let launcher: LauncherView;
  let strings: Record<string, string>;
  let isOpen: boolean;
  let unread: number;
  let user: UserInfo | undefined;
  let proactive: string[];
  /** The onlyOnce rules already shown; stored in the browser once storage is allowed. */
  let seen: Set<string>;
  let bubble: HTMLElement | null;
  let panel: Promise<PanelApi> | null;
  let mounted: PanelApi | null;
  /** Everything destroy undoes: timers, listeners, triggers. */
  let cleanups: (() => void)[];
  /** An emailed link's token (see PanelHost.resume). */
  let resume: string | null;

  const queue = commandQueue(run, (e) => report(String(e)));
  const push = (name: string) => queue.push({ name, args: [] });

  function linktor(name: unknown, ...args: unknown[]) {
    if (name === 'init') return init(args[0]);
    if (name === 'destroy') return destroy();
    if (COMMANDS.includes(name as string)) return queue.push({ name: name as string, args });
    report(`unknown command ${JSON.stringify(name)}`);
  }
  linktor.version = '0.1.0';
  w[globalName] = linktor;
  for (const a of queued) linktor(...(Array.from(a) as [unknown, ...unknown[]]));

  function init(raw: unknown) {
    if (starting || ready) return report('init: call destroy before init again');
    const o = validateOptions(raw, report);
    if (!o) return;
    starting = true;
    const my = live;
    fetchConfig(o.channelId).then(async (c) => {
      // A snippet placed in <head> may get here before <body> exists.
      if (!document.body) await new Promise((r) => addEventListener('DOMContentLoaded', r));
      if (my !== live) return; // destroyed meanwhile
      starting = false;
      if (c === false) return;
      build(o, c);
      ready = true;
      queue.start();
      call(o.onReady);
      if (o.autoOpen) later(() => push('open'), o.openDelay ?? 0);
    });
  }

  /** The channel's settings; null when the server cannot be reached (defaults apply), false when the channel refuses this page. */
  async function fetchConfig(id: string): Promise<ChannelConfig | null | false> {
    try {
      // Cross-origin, so no cookies are sent (the default 'same-origin' credentials mode).
      const r = await fetch(`${apiBase}/v1/widget/channels/${encodeURIComponent(id)}/config`);
      if (r.ok) return await r.json();
      report(r.status === 404 ? `init.channelId: no channel '${id}'` : r.status === 403 ? `init.channelId: ${location.host} is not an allowed domain of '${id}'` : `init: channel config HTTP ${r.status}`);
      return r.status === 404 || r.status === 403 ? false : null;
    } catch (e) {
      report(`init: ${apiBase} unreachable`);
      return null;
    }
  }

  function build(o: LinktorInitOptions, c: ChannelConfig | null) {
    const a: Partial<ChannelConfig['appearance']> = c?.appearance ?? {};
    options = o;
    config = c;
    language = (o.language ?? c?.defaultLanguage ?? navigator.language ?? 'en').toLowerCase();
    storage = peekStorage(o.channelId, { persist: o.persistSession ?? true, cookieConsent: o.privacy?.cookieConsent ?? c?.privacy?.cookieConsent ?? false });
    strings = stringsFor(launcherStrings, language, o.translations ?? {});
    isOpen = false;
    unread = 0;
    user = o.user;
    proactive = [];
    bubble = null;
    panel = mounted = null;
    cleanups = [];

    styles = el('style', { 'data-linktor': '' });
    const rgb = parseHex(o.primaryColor ?? a.primaryColor ?? '') ?? [0, 102, 255];
    styles.textContent = loaderCss(o.zIndex ?? 2147483000) + colorCss(hex(rgb), hex(darken(rgb, 0.2)), onColor(rgb));
    // First in <head>: with equal specificity the site's own CSS, which comes later, wins.
    document.head.prepend(styles);
    const panelId = `linktor-panel-${++panelIds}`;
    launcher = createLauncher(safeUrl(a.launcherIcon), panelId);
    const left = (o.position ?? a.position) === 'bottom-left';
    root = el('div', { class: `linktor-widget linktor-${o.size ?? a.size ?? 'standard'}${left ? ' linktor-left' : ''}`, 'data-panel-id': panelId, lang: language, role: 'complementary', 'aria-label': 'Chat' }, launcher.button);
    launcher.button.hidden = o.showLauncher === false;
    document.body.append(root);
    const b = launcher.button;
    b.onclick = () => push('toggle');
    // Hovering or focusing the launcher says a click may follow: fetch the panel now
    // (loadPanel does it once).
    b.onpointerenter = b.onfocus = () => void loadPanel();
    refreshLauncher();

    // An emailed link (?linktor_resume=…) reopens that visitor's chat on this page; the
    // token leaves the address bar at once.
    const u = new URL(location.href);
    if ((resume = u.searchParams.get('linktor_resume'))) {
      u.searchParams.delete('linktor_resume');
      history.replaceState(history.state, '', u);
      push('open');
    }

    try {
      seen = new Set(JSON.parse(storage.get('proactive') || '[]'));
    } catch {
      seen = new Set(); // written by something else: start over
    }
    const my = live;
    cleanups.push(
      watchTriggers(o.proactiveMessages ?? (c?.behavior?.proactiveMessages as ProactiveMessageOption[] | undefined) ?? [], { win: window, doc: document, setTimeout, clearTimeout }, {
        has: (k) => seen.has(k),
        add: (k) => {
          seen.add(k);
          storage.set('proactive', JSON.stringify([...seen]));
        },
      }, (r) => my === live && showProactive(r.message)),
    );
    // A returning visitor gets the panel (and its socket) when the page is idle, so unread
    // counts and sounds work before they open it. A new visitor costs nothing more.
    if (storage.get('session')) {
      const f = () => my === live && loadPanel();
      const id = w.requestIdleCallback ? w.requestIdleCallback(f) : setTimeout(f, 1500);
      cleanups.push(() => (w.cancelIdleCallback ?? clearTimeout)(id));
    }
  }

  function refreshLauncher() {
    // Open, or with unread messages, means the panel is there: it has the words for it.
    launcher.update({ open: isOpen, unread, label: mounted?.launcherLabel(isOpen, unread) ?? strings.openChat });
  }

  function later(f: () => void, ms: number) {
    const t = setTimeout(f, ms);
    cleanups.push(() => clearTimeout(t));
  }

  function call(f: ((...a: any[]) => void) | undefined, ...args: unknown[]) {
    try {
      f?.(...args);
    } catch (e) {
      report(`a callback threw: ${e}`);
    }
  }

  /** The panel, loaded and mounted once per widget; the code itself once per page. */
  function loadPanel(): Promise<PanelApi> {
    const my = live;
    panelModule ??= new Promise<PanelModule>((resolve, reject) => {
      const s = (panelScript = el('script', { src: panelUrl, async: '' }));
      s.addEventListener(PANEL_EVENT, (e) => resolve((e as CustomEvent<PanelModule>).detail));
      s.addEventListener('error', () => {
        panelModule = null;
        s.remove();
        reject(`could not load ${panelUrl}`);
      });
      document.head.append(s);
    });
    panel ??= panelModule.then(async (m) => {
      if (my !== live) throw 'destroyed';
      return (mounted = await m.mount({
        root,
        launcher: () => (launcher.button.hidden ? null : launcher.button),
        options,
        config,
        apiBase,
        user: () => ({ user, userHash: options.userHash }),
        resume,
        proactive,
        seen,
        isOpen: () => isOpen,
        requestClose: () => push('close'),
        setUnread(n) {
          unread = n;
          refreshLauncher();
        },
        messageStored: (m) => call(options.onMessage, m),
        report,
      }));
    });
    panel.catch((e) => {
      panel = null;
      if (my === live) report(String(e));
    });
    return panel;
  }

  function showProactive(text: string) {
    proactive.push(text);
    mounted?.showProactive(text);
    if (isOpen) return;
    bubble?.remove();
    const b = (bubble = createBubble(text, isRtl(language) ? 'rtl' : 'ltr', strings.dismiss, () => push('open'), () => {
      b.remove();
      bubble = null;
      launcher.button.focus();
    }));
    root.insertBefore(b, launcher.button);
  }

  async function setOpen(open: boolean) {
    if (isOpen === open) return;
    if (open) {
      const my = live;
      await loadPanel();
      if (my !== live) return;
      bubble?.remove();
      bubble = null;
    }
    isOpen = open;
    // Before the panel moves focus: on a phone the launcher is hidden while the panel is open,
    // and focus can only go back to it once it shows again.
    root.classList.toggle('linktor-is-open', open);
    refreshLauncher();
    mounted!.setOpen(open);
    call(open ? options.onOpen : options.onClose);
  }

  async function run({ name, args }: Command) {
    const arg = args[0] as any;
    switch (name) {
      case 'open':
      case 'close':
        return setOpen(name === 'open');
      case 'toggle':
        return setOpen(!isOpen);
      case 'sendMessage':
        // Checked by the panel, which sending needs anyway.
        return (await loadPanel()).sendMessage(arg);
      case 'updateUser':
        if (!isObj(arg)) return report('updateUser: expected { id, name, email, metadata }');
        user = { ...user, ...arg, metadata: { ...user?.metadata, ...arg.metadata } };
        return mounted?.updateUser(user!);
      case 'showProactiveMessage':
        if (typeof arg?.text !== 'string' || !arg.text) return report('showProactiveMessage: expected { text: "…", delay?: ms }');
        return later(() => showProactive(arg.text), +arg.delay || 0);
      case 'hideLauncher':
      case 'showLauncher':
        launcher.button.hidden = name === 'hideLauncher';
        return;
      case 'reset':
        // Rare enough to load the panel for: it owns the session and clears the storage.
        proactive.length = 0;
        bubble?.remove();
        bubble = null;
        return (await loadPanel()).reset();
    }
  }

  function destroy() {
    queue.stop();
    live++;
    starting = false;
    if (!ready) return;
    ready = false;
    cleanups.forEach((f) => f());
    mounted?.destroy();
    root.remove();
    styles.remove();
    panelScript?.remove();
  }
})();
