// @linktor/react-webchat: the Linktor chat widget as a React component. <LinktorChat> renders
// nothing itself: it loads linktor.js from the configured server (the spec's snippet) and
// drives it with `init`, `updateUser` and `destroy`. No window access during render, so it
// is safe to render on the server; in StrictMode (mount, unmount, mount) it leaves one widget.

import { useEffect, useMemo, useRef } from 'react';
import type { LinktorCallbacks, LinktorSettings } from './shared/options.js';
import { linktor, LinktorWidget, type LinktorControls, type LinktorSource } from './shared/wrapper.js';

export type LinktorChatProps = LinktorSettings & LinktorCallbacks & LinktorSource;

/**
 * The chat widget. Every `init` option of the spec is a prop; a new `user` calls `updateUser`,
 * another option re-creates the widget, unmounting destroys it. One per page.
 */
export function LinktorChat(props: LinktorChatProps): null {
  const { baseUrl, widgetUrl, onReady, onOpen, onClose, onMessage, ...settings } = props;
  const callbacks = useRef<LinktorCallbacks>({});
  const widget = useRef<LinktorWidget | null>(null);
  // After every render: cheap when nothing changed (options are compared by value, so an
  // inline `user={{ … }}` object does not send updateUser on every render).
  useEffect(() => {
    callbacks.current = { onReady, onOpen, onClose, onMessage };
    (widget.current ??= new LinktorWidget(() => callbacks.current)).update(settings, { baseUrl, widgetUrl });
  });
  useEffect(() => () => widget.current?.destroy(), []);
  return null;
}

/** `const { open, close, toggle, sendMessage } = useLinktor()`: stable functions, safe to call during SSR (they do nothing). */
export function useLinktor(): LinktorControls {
  return useMemo(() => linktor, []);
}

export { DEFAULT_WIDGET_URL, linktor } from './shared/wrapper.js';
export type { LinktorControls, LinktorSource } from './shared/wrapper.js';
export type { LinktorCallbacks, LinktorSettings, LinktorUser, FormFieldOption, ProactiveMessageOption, LinktorInitOptions } from './shared/options.js';
export type { Message, Content } from './protocol/index.js';
