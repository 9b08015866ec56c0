import { createApp } from 'vue';
import Events from './Events.vue';

window.__events = [];
const vm = createApp(Events).mount('#app');
window.__app = {
  rerender: () => vm.n++,
  recolor: (c) => (vm.color = c),
};
