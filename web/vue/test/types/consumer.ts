// The published types as a TypeScript Vue app sees them.
import { defineComponent, h } from 'vue';
import { LinktorChat, useLinktor, type Message } from '@linktor/vue-webchat';

export default defineComponent({
  setup() {
    const { open } = useLinktor();
    const handleMessage = (m: Message) => console.log(m.content.type);
    return () => [h('button', { onClick: open }, 'Help'), h(LinktorChat, { channelId: 'ch_1', primaryColor: '#0066FF', position: 'bottom-right', user: { id: 'u' }, onMessage: handleMessage })];
  },
});
