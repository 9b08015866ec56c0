// @linktor/react-webchat: the Linktor chat widget as a React component. <LinktorChat> renders
// nothing itself: it loads linktor.js from the configured server (the spec's snippet) and
// drives it with `init`, `updateUser` and `destroy`. No window access during render, so it
// is safe to render on the server; in StrictMode (mount, unmount, mount) it leaves one widget.

import { useEffect, useMemo, useRef } from 'react';
import { command, LinktorWidget, type LinktorCallbacks, type LinktorSettings, type LinktorSource, type LinktorUser } from './widget.js';

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

export interface LinktorControls {
  open(): void;
  close(): void;
  toggle(): void;
  /** Sends a message as the visitor: `sendMessage({ text: 'Hello' })` or `sendMessage('Hello')`. */
  sendMessage(message: { text: string } | string): void;
  updateUser(user: LinktorUser): void;
  showProactiveMessage(message: { text: string; delay?: number }): void;
  hideLauncher(): void;
  showLauncher(): void;
  /** Forgets the session in this browser and starts a new visitor. */
  reset(): void;
}

/** The spec's JavaScript API for the widget of this page (commands wait until it is ready). */
export const linktor: LinktorControls = {
  open: () => command('open'),
  close: () => command('close'),
  toggle: () => command('toggle'),
  sendMessage: (message) => command('sendMessage', typeof message === 'string' ? { text: message } : message),
  updateUser: (user) => command('updateUser', user),
  showProactiveMessage: (message) => command('showProactiveMessage', message),
  hideLauncher: () => command('hideLauncher'),
  showLauncher: () => command('showLauncher'),
  reset: () => command('reset'),
};

/** `const { open, close, toggle, sendMessage } = useLinktor()`: stable functions, safe to call during SSR (they do nothing). */
export function useLinktor(): LinktorControls {
  return useMemo(() => linktor, []);
}

export { DEFAULT_WIDGET_URL } from './widget.js';
export type { LinktorCallbacks, LinktorSettings, LinktorSource, LinktorUser, FormFieldOption, ProactiveMessageOption, LinktorInitOptions } from './widget.js';
export type { Message, Content } from './protocol/index.js';
