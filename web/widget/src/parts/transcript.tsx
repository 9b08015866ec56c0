// linktor-transcript.js: the form under the panel's header that emails the visitor this
// conversation (POST /v1/widget/transcript with the session's token; the server's answer
// is shown as a notice). Loaded when the envelope button is first pressed (or hovered).

import type { Chat } from '../panel/chat';
import { format } from '../shared/language';
import { definePart } from './borrowed';

export interface TranscriptProps {
  /** The address the page gave (init's or updateUser's `user.email`), offered to start with. */
  email: string;
  /** Sent: the panel hides the form. */
  onSent: () => void;
}

/** Asks the server to email the conversation to `email`; shows the outcome as a notice. */
async function emailTranscript(chat: Chat, email: string): Promise<boolean> {
  let sent: string | undefined;
  try {
    const r = await fetch(`${chat.host.apiBase}/v1/widget/transcript`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${chat.conn.token}` },
      body: JSON.stringify(email ? { email } : {}),
    });
    if (r.ok) sent = (await r.json()).sentTo;
  } catch {
    // offline: said below
  }
  chat.notify(sent ? format(chat.t.transcriptSent, { email: sent }) : chat.t.transcriptFailed);
  return !!sent;
}

function TranscriptForm({ chat, email, onSent }: TranscriptProps & { chat: Chat }) {
  const t = chat.t;
  return (
    <form
      class="linktor-transcript"
      onSubmit={async (e) => {
        e.preventDefault();
        const input = (e.currentTarget as HTMLFormElement).elements[0] as HTMLInputElement;
        if (await emailTranscript(chat, input.value.trim())) onSent();
      }}
    >
      <input type="email" name="email" required aria-label={t.yourEmail} placeholder={t.yourEmail} value={email} data-autofocus />
      <button type="submit" class="linktor-button">{t.sendButton}</button>
    </form>
  );
}

definePart(
  TranscriptForm,
  `.linktor-transcript{display:flex;flex:none;gap:8px;padding:10px 16px;background:#f0f2f5}
.linktor-transcript input{flex:1;min-width:0;margin:0;padding:8px 10px;border:1px solid #767676;border-radius:8px;background:#fff;color:#1f1f1f;font:inherit}
`,
);
