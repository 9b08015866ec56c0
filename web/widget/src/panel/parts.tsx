// What few visitors use is not in linktor-panel.js: the emoji picker, the satisfaction survey
// and the transcript form are each a file beside it (linktor-<part>.js, built from src/parts/),
// fetched the first time they are shown, or when the button that shows them is hovered or
// focused. A part is a classic script that hands itself over the way the panel does (an event
// on its own <script>) and runs on the panel's Preact, lent to it here: never a second copy.
// Its CSS joins the panel's <style>. Each part is fetched once per page; a failed fetch is
// reported and tried again the next time the part is shown.

import { jsx } from 'preact/jsx-runtime';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { PANEL_EVENT } from '../shared/host';
import type { Chat } from './chat';
import type { EmojiPickerProps } from '../parts/emoji';
import type { TranscriptProps } from '../parts/transcript';

/** What the panel lends a part, in this order (src/parts/borrowed.ts takes it apart). */
export const lent = [jsx, useState, useRef, useLayoutEffect] as const;
export type Lent = typeof lent;

/** Each part's props (every part also gets `chat`). */
interface Props {
  emoji: EmojiPickerProps;
  survey: {};
  transcript: TranscriptProps;
}
type Name = keyof Props;

/** What a part's file hands over, given what the panel lends. */
export type PartFactory = (lent: Lent) => PartModule;
export interface PartModule {
  C: ComponentType<any>;
  /** Its rules, added to the panel's <style> (the page's CSS still comes after and wins). */
  css: string;
}

// Captured while linktor-panel.js first runs: the language files and the parts sit beside it.
export const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src || location.href;

const parts: { [N in Name]?: PartModule } = {};
const loading: { [N in Name]?: Promise<PartModule> } = {};
/** The CSS of the parts loaded so far (index.tsx puts it in each panel's <style>). */
export let partCss = '';

/** Fetches a part once; safe to call only to warm it up (a failure is reported where it is shown). */
export function loadPart(name: Name): Promise<PartModule> {
  const p = (loading[name] ??= new Promise<PartModule>((resolve, reject) => {
    const s = document.createElement('script');
    s.src = new URL(`linktor-${name}.js`, scriptUrl).href;
    s.addEventListener(PANEL_EVENT, (e) => {
      const m = (parts[name] = (e as CustomEvent<PartFactory>).detail(lent));
      partCss += m.css;
      document.head.querySelector('style[data-linktor-panel]')?.append(m.css);
      resolve(m);
    });
    // Ran (and handed itself over while it ran) or failed: its element is no longer needed.
    s.onload = s.onerror = () => {
      s.remove();
      if (!parts[name]) {
        delete loading[name];
        reject(`could not load ${s.src}`);
      }
    };
    document.head.append(s);
  }));
  p.catch(() => undefined);
  return p;
}

/** A part in place: nothing until its file has arrived, then at once on every later showing. */
export function Part<N extends Name>(props: { name: N; chat: Chat } & Props[N]) {
  const [m, setM] = useState(parts[props.name]);
  useEffect(() => {
    let shown = true;
    if (!m)
      loadPart(props.name).then(
        (got) => shown && setM(got),
        (e) => props.chat.host.report(String(e)),
      );
    return () => void (shown = false);
  }, []);
  return m ? <m.C {...props} /> : null;
}
