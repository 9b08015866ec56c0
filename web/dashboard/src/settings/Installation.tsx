// Installation tab (the spec's Step 4): the embed code for this channel on this server, the
// React, Vue and Angular forms, and the Content-Security-Policy lines a strict site adds.

import { angularSnippet, cspSnippet, loaderSnippet, reactSnippet, vueSnippet } from '../lib/snippets';
import type { Channel } from '../lib/types';
import { CodeBlock } from '../ui';

export function InstallationTab({ channel }: { channel: Channel }) {
  const origin = location.origin;
  return (
    <div class="installation">
      <h2>Embed code</h2>
      <p>
        Add this code to your website before the closing <code>&lt;/body&gt;</code> tag. It works on the channel's allowed domains: <strong>{channel.allowedDomains.join(', ')}</strong>.
      </p>
      <CodeBlock label="Embed code" code={loaderSnippet(origin, channel.id)} />
      <h2>React, Vue and Angular</h2>
      <CodeBlock label="React" copy="Copy the React code" code={reactSnippet(origin, channel.id)} />
      <CodeBlock label="Vue" copy="Copy the Vue code" code={vueSnippet(origin, channel.id)} />
      <CodeBlock label="Angular" copy="Copy the Angular code" code={angularSnippet(origin, channel.id)} />
      <h2>Content Security Policy</h2>
      <p>If your site sends a Content-Security-Policy header, add this server to it:</p>
      <CodeBlock label="Content-Security-Policy" copy="Copy the CSP lines" code={cspSnippet(origin)} />
      <p class="hint">
        Channel id: <code>{channel.id}</code>
      </p>
    </div>
  );
}
