// The live preview beside Appearance and Behavior: the real widget (linktor.js from this
// server, which accepts its own origin for every channel), started with the unsaved form
// values as init options and started again (destroy, then init) a moment after they change.
// Its root is moved into a frame here; the frame's transform makes the widget's fixed
// position relative to the frame instead of the dashboard's window.
// Logo and launcher icon are channel settings without an init option: they show once saved.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { LinktorSettings } from '@linktor/shared/options';
import type { Channel, ChannelSettings } from '../lib/types';

type LinktorFn = ((...args: unknown[]) => void) & { q?: unknown[]; version?: string };
declare global {
  interface Window {
    linktor?: LinktorFn;
    LinktorObject?: string;
  }
}

/** The spec's loader, run as code of ours (no inline script): queue, then linktor.js. */
function ensureLoader() {
  const w = window;
  if (w.linktor) return;
  w.LinktorObject = 'linktor';
  const q: LinktorFn = function (...args: unknown[]) {
    // The loader drains arguments objects; keep the same shape.
    (q.q = q.q || []).push(args);
  };
  w.linktor = q;
  const s = document.createElement('script');
  s.async = true;
  s.src = '/v1/linktor.js';
  document.head.append(s);
}

/** init options of the spec from the draft settings. */
export function previewOptions(channel: Channel, s: ChannelSettings): LinktorSettings {
  const a = s.appearance;
  const b = s.behavior;
  return {
    channelId: channel.id,
    primaryColor: /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(a.primaryColor) ? a.primaryColor : undefined,
    position: a.position,
    size: a.size,
    language: channel.defaultLanguage,
    translations: { welcomeMessage: a.welcomeMessage, offlineMessage: a.offlineMessage },
    soundEnabled: b.soundEnabled,
    preChatForm: { enabled: b.preChatForm.enabled, fields: b.preChatForm.fields.filter((f) => f.name && f.label) },
    fileUpload: { ...b.fileUpload },
    offline: { enabled: s.offline.enabled, message: s.offline.message, form: { fields: s.offline.form.fields.filter((f) => f.name && f.label), submitButton: s.offline.form.submitButton } },
    // The preview keeps no visitor between reloads of the dashboard.
    persistSession: false,
    zIndex: 10,
  };
}

export function Preview({ channel, draft }: { channel: Channel; draft: ChannelSettings }) {
  const frame = useRef<HTMLDivElement>(null);
  const [note, setNote] = useState('Loading the widget…');
  const options = JSON.stringify(previewOptions(channel, draft));
  // Whether the server lets the widget run on this origin (it logs, and shows nothing, when not).
  const [allowed, setAllowed] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    fetch(`/v1/widget/channels/${encodeURIComponent(channel.id)}/config`).then(
      (r) => {
        if (!live) return;
        setAllowed(r.ok);
        if (!r.ok) setNote(`The preview cannot start: the server refused the widget's settings on this origin (HTTP ${r.status}).`);
      },
      () => live && setNote('The preview cannot start: the server is unreachable.'),
    );
    return () => {
      live = false;
    };
  }, [channel.id]);

  useEffect(() => {
    if (!allowed) return;
    ensureLoader();
    let slow: ReturnType<typeof setTimeout> | undefined;
    const t = setTimeout(() => {
      slow = setTimeout(() => setNote('The widget did not start; the browser console says why.'), 8000);
      const o = JSON.parse(options);
      o.onReady = () => {
        const root = document.querySelector('.linktor-widget');
        if (root && frame.current && root.parentElement !== frame.current) {
          frame.current.append(root);
          // On a site the widget is a landmark of the page; here it is a sample inside the
          // settings, so it is a named group (a landmark may not sit inside <main>).
          if (root.getAttribute('role') === 'complementary') root.setAttribute('role', 'group');
        }
        clearTimeout(slow);
        setNote('');
      };
      window.linktor!('destroy');
      window.linktor!('init', o);
    }, 300);
    return () => {
      clearTimeout(t);
      clearTimeout(slow);
    };
  }, [options, allowed]);

  useEffect(() => () => window.linktor?.('destroy'), []);

  return (
    <section class="preview" aria-labelledby="preview-h">
      <h2 id="preview-h">Preview</h2>
      <p class="hint">The real widget with the settings above, before you save. Logo and custom launcher icon appear once saved.</p>
      <div class="preview-frame" ref={frame}>
        <div class="preview-page" aria-hidden="true">
          <span />
          <span />
          <span />
        </div>
        {note && (
          <p class="preview-note" role="status" data-state={allowed === false ? 'refused' : 'loading'}>
            {note}
          </p>
        )}
      </div>
    </section>
  );
}
