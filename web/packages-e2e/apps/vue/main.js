// Mounts the spec's Vue example (App.vue: verbatim but for base-url, our server, and the
// YourAppContent component it leaves to the app) with a harness the test drives.
import { createApp } from 'vue';
import { useLinktor } from '@linktor/vue-webchat';
import App from './App.vue';

const app = createApp(App);
const vm = app.mount('#app');
window.__app = {
  controls: useLinktor(),
  // In place, as an app would edit its reactive user.
  setUser: (u) => Object.assign(vm.currentUser, u),
  unmount: () => app.unmount(),
};
