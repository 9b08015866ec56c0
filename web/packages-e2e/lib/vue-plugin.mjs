// Compiles .vue single-file components for esbuild with Vue's own compiler (vue/compiler-sfc):
// enough for the spec's example (a template and an Options API <script>).

import { readFile } from 'node:fs/promises';
import { compileScript, compileTemplate, parse } from 'vue/compiler-sfc';

export const vuePlugin = (replace = (s) => s) => ({
  name: 'vue-sfc',
  setup(b) {
    b.onLoad({ filter: /\.vue$/ }, async (args) => {
      const source = replace(await readFile(args.path, 'utf8'));
      const { descriptor, errors } = parse(source, { filename: args.path });
      if (errors.length) throw errors[0];
      const id = 'sfc';
      const script = compileScript(descriptor, { id });
      const template = compileTemplate({ id, source: descriptor.template.content, filename: args.path, compilerOptions: { bindingMetadata: script.bindings } });
      if (template.errors.length) throw new Error(String(template.errors[0]));
      const contents = `${script.content.replace('export default', 'const __sfc__ =')}\n${template.code}\n__sfc__.render = render;\nexport default __sfc__;`;
      return { contents, loader: 'js', resolveDir: args.path.replace(/\/[^/]*$/, '') };
    });
  },
});
