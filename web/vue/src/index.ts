// @linktor/vue-webchat: the Linktor chat widget as a Vue 3 component. <LinktorChat> renders
// nothing itself: once mounted it loads linktor.js from the configured server (the spec's
// snippet) and drives it: `init` with its props, `updateUser` when `user` changes (deeply),
// destroy + init when another prop changes, `destroy` on unmount. Nothing runs during server
// rendering (onMounted never does there).

import { defineComponent, onBeforeUnmount, onMounted, watch, type App, type PropType } from 'vue';
import type { LinktorSettings, LinktorUser, ProactiveMessageOption } from './shared/options.js';
import { linktor, LinktorWidget, SETTINGS, type LinktorControls } from './shared/wrapper.js';
import type { Message } from './protocol/index.js';

/** Boolean props left out stay unset (the channel's setting applies), not false. */
const bool = { type: Boolean, default: undefined } as const;

export const LinktorChat = defineComponent({
  name: 'LinktorChat',
  props: {
    channelId: { type: String, required: true },
    primaryColor: String,
    position: String as PropType<LinktorSettings['position']>,
    size: String as PropType<LinktorSettings['size']>,
    zIndex: Number,
    language: String,
    translations: Object as PropType<Record<string, string>>,
    autoOpen: bool,
    openDelay: Number,
    soundEnabled: bool,
    showLauncher: bool,
    preChatForm: Object as PropType<LinktorSettings['preChatForm']>,
    user: Object as PropType<LinktorUser>,
    userHash: String,
    proactiveMessages: Array as PropType<ProactiveMessageOption[]>,
    fileUpload: Object as PropType<LinktorSettings['fileUpload']>,
    persistSession: bool,
    sessionDuration: Number,
    offline: Object as PropType<LinktorSettings['offline']>,
    privacy: Object as PropType<LinktorSettings['privacy']>,
    /** Your Linktor server when self-hosting; linktor.js is loaded from `<baseUrl>/v1/linktor.js`. */
    baseUrl: String,
    /** The full URL of linktor.js (overrides baseUrl). */
    widgetUrl: String,
  },
  emits: {
    /** A message stored in the conversation (the visitor's, an agent's, or one sent through the API). */
    message: (_message: Message) => true,
    open: () => true,
    close: () => true,
    ready: () => true,
  },
  setup(props, { emit }) {
    const settings = () => Object.fromEntries(SETTINGS.map((k) => [k, props[k]])) as unknown as LinktorSettings;
    const source = () => ({ baseUrl: props.baseUrl, widgetUrl: props.widgetUrl });
    let widget: LinktorWidget | null = null;
    onMounted(() => {
      widget = new LinktorWidget(() => ({
        onReady: () => emit('ready'),
        onOpen: () => emit('open'),
        onClose: () => emit('close'),
        onMessage: (m) => emit('message', m),
      }));
      widget.update(settings(), source());
    });
    // Deep: `currentUser.name = '…'` is a change of user too. LinktorWidget compares by value.
    watch([settings, source], () => widget?.update(settings(), source()), { deep: true });
    onBeforeUnmount(() => {
      widget?.destroy();
      widget = null;
    });
    return () => null;
  },
});

/** Composable: `const { open, toggle, sendMessage } = useLinktor()`. */
export const useLinktor = (): LinktorControls => linktor;

/** `app.use(LinktorWebChat)` registers <LinktorChat> globally. */
export const LinktorWebChat = {
  install(app: App) {
    app.component('LinktorChat', LinktorChat);
  },
};

export { DEFAULT_WIDGET_URL, linktor } from './shared/wrapper.js';
export type { LinktorControls, LinktorSource } from './shared/wrapper.js';
export type { LinktorCallbacks, LinktorSettings, LinktorUser, FormFieldOption, ProactiveMessageOption } from './shared/options.js';
export type { Message, Content } from './protocol/index.js';
