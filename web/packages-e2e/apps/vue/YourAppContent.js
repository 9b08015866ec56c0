import { h } from 'vue';
export default { render: () => h('main', null, [h('h1', null, 'Acme Store')]) };
