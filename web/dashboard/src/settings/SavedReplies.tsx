// Settings → Saved replies: texts any agent inserts in the composer by typing `/shortcut`.
// Every agent of the account adds, edits and deletes them; the text may hold
// {{visitor.name}}, {{visitor.email}} and {{agent.name}}, filled in when inserted.

import { useState } from 'preact/hooks';
import { ApiError, del, fieldErrors, get, post, put } from '../lib/api';
import type { SavedReply } from '../lib/types';
import { ErrorNote, Field, Loading, PageTitle, RemoveButton, TableHead, useLoad } from '../ui';

const SHORTCUT = /^[a-z0-9_-]{1,32}$/;

export function SavedReplies() {
  const list = useLoad(() => get<SavedReply[]>('/v1/saved-replies'), []);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <section class="page">
      <PageTitle title="Saved replies">Saved replies</PageTitle>
      <p class="hint">
        In a conversation, type <kbd>/</kbd> and the start of a shortcut, then <kbd>Enter</kbd> to insert its text. The text may hold <code>{'{{visitor.name}}'}</code>, <code>{'{{visitor.email}}'}</code> and <code>{'{{agent.name}}'}</code>.
      </p>
      <ReplyForm key="new" onSaved={list.reload} />
      <ErrorNote error={error || list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (list.data ?? []).length === 0 ? (
        <p class="muted">No saved replies yet.</p>
      ) : (
        <table class="table">
          <TableHead caption="Saved replies" columns={['Shortcut', 'Text']} actions />
          <tbody>
            {(list.data ?? []).map((r) =>
              editing === r.id ? (
                <tr key={r.id}>
                  <td colSpan={3}>
                    <ReplyForm
                      reply={r}
                      onSaved={async () => {
                        setEditing(null);
                        await list.reload();
                      }}
                      onCancel={() => setEditing(null)}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={r.id}>
                  <th scope="row">
                    <code>/{r.shortcut}</code>
                  </th>
                  <td class="pre-wrap">{r.text}</td>
                  <td class="row-actions">
                    <button type="button" class="link-button" onClick={() => setEditing(r.id)}>
                      Edit <span class="sr-only">/{r.shortcut}</span>
                    </button>{' '}
                    <RemoveButton
                      label="Delete"
                      what={`/${r.shortcut}`}
                      question={`Delete the saved reply /${r.shortcut}?`}
                      act={async () => {
                        await del(`/v1/saved-replies/${encodeURIComponent(r.id)}`);
                        await list.reload();
                      }}
                      onError={setError}
                    />
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ReplyForm({ reply, onSaved, onCancel }: { reply?: SavedReply; onSaved: () => Promise<void> | void; onCancel?: () => void }) {
  const [shortcut, setShortcut] = useState(reply?.shortcut ?? '');
  const [text, setText] = useState(reply?.text ?? '');
  const [errors, setErrors] = useState<{ shortcut?: string; text?: string; form?: unknown }>({});
  return (
    <form
      class="reply-form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const s = shortcut.trim().replace(/^\//, '');
        const errs: typeof errors = {};
        if (!SHORTCUT.test(s)) errs.shortcut = '1 to 32 lower-case letters, digits, - or _ (e.g. refund).';
        if (!text.trim()) errs.text = 'Write the reply.';
        setErrors(errs);
        if (errs.shortcut || errs.text) return;
        try {
          const body = { shortcut: s, text: text.trim() };
          if (reply) await put<SavedReply>(`/v1/saved-replies/${encodeURIComponent(reply.id)}`, body);
          else await post<SavedReply>('/v1/saved-replies', body);
          if (!reply) {
            setShortcut('');
            setText('');
          }
          await onSaved();
        } catch (err) {
          if (err instanceof ApiError && err.status === 409) setErrors({ shortcut: `/${s} is taken: choose another shortcut.` });
          else setErrors(fieldErrors(err, ['shortcut', 'text'] as const));
        }
      }}
    >
      <Field label={reply ? `Shortcut of /${reply.shortcut}` : 'Shortcut'} error={errors.shortcut}>
        {(a) => <input {...a} value={shortcut} maxLength={33} spellcheck={false} onInput={(e) => setShortcut(e.currentTarget.value.toLowerCase())} />}
      </Field>
      <Field label={reply ? `Text of /${reply.shortcut}` : 'Text'} error={errors.text}>
        {(a) => <textarea {...a} rows={3} maxLength={4096} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
      </Field>
      <ErrorNote error={errors.form} />
      <div class="dialog-actions">
        {onCancel && (
          <button type="button" class="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" class="button primary">
          {reply ? 'Save' : 'Add saved reply'}
        </button>
      </div>
    </form>
  );
}
