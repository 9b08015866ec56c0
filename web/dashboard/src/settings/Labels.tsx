// Settings → Labels: the account's labels, which agents put on conversations and filter the
// inbox by. Admins create them (name, colour, description), change colour and description,
// and delete them (after a confirm; conversations lose the label). Agents see the list.

import { useState } from 'preact/hooks';
import { useApp } from '../app';
import { del, fieldErrors, patch, post } from '../lib/api';
import type { Label } from '../lib/types';
import { ErrorNote, Field, PageTitle, RemoveButton, TableHead } from '../ui';
import { LabelChips } from '../inbox/LabelChips';

const NAME = /^[a-z0-9_-]{1,40}$/;
const DEFAULT_COLOR = '#6b7280';

export function Labels() {
  const { labels, reloadLabels, isAdmin } = useApp();
  const [name, setName] = useState('');
  const [color, setColor] = useState('#1f6feb');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<{ name?: string; color?: string; description?: string; form?: unknown }>({});
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function create(e: Event) {
    e.preventDefault();
    const n = name.trim();
    if (!NAME.test(n)) return setErrors({ name: '1 to 40 lower-case letters, digits, - or _ (e.g. billing).' });
    setErrors({});
    try {
      await post<Label>('/v1/labels', { name: n, color, description: description.trim() });
      setName('');
      setDescription('');
      await reloadLabels();
    } catch (err) {
      setErrors(fieldErrors(err, ['name', 'color', 'description'] as const));
    }
  }

  return (
    <section class="page">
      <PageTitle title="Labels">Labels</PageTitle>
      <p class="hint">Agents put labels on conversations (in the conversation, the Labels button or the <kbd>l</kbd> key) and filter the inbox by them.</p>
      {isAdmin ? (
        <form class="inline-form" noValidate onSubmit={create}>
          <Field label="Name" error={errors.name} hint="Lower-case letters, digits, - and _.">
            {(a) => <input {...a} value={name} maxLength={40} spellcheck={false} onInput={(e) => setName(e.currentTarget.value.toLowerCase())} />}
          </Field>
          <Field label="Colour" error={errors.color}>
            {(a) => <input {...a} type="color" value={color} onInput={(e) => setColor(e.currentTarget.value)} />}
          </Field>
          <Field label="Description (optional)" error={errors.description}>
            {(a) => <input {...a} value={description} maxLength={200} onInput={(e) => setDescription(e.currentTarget.value)} />}
          </Field>
          <button type="submit" class="button primary">
            Add label
          </button>
        </form>
      ) : (
        <p class="hint">Only admins add, change and delete labels.</p>
      )}
      <ErrorNote error={errors.form || error} />
      {labels.length === 0 ? (
        <p class="muted">No labels yet.</p>
      ) : (
        <table class="table">
          <TableHead caption="Labels" columns={['Label', 'Description']} actions={isAdmin} />
          <tbody>
            {labels.map((l) =>
              editing === l.name ? (
                <EditRow key={l.name} label={l} onDone={() => setEditing(null)} />
              ) : (
                <tr key={l.name}>
                  <th scope="row">
                    <LabelChips names={[l.name]} />
                  </th>
                  <td>{l.description}</td>
                  {isAdmin && (
                    <td class="row-actions">
                      <button type="button" class="link-button" onClick={() => setEditing(l.name)}>
                        Edit <span class="sr-only">{l.name}</span>
                      </button>{' '}
                      <RemoveButton
                        label="Delete"
                        what={l.name}
                        question={`Delete the label "${l.name}"? It is taken off every conversation.`}
                        act={async () => {
                          await del(`/v1/labels/${encodeURIComponent(l.name)}`);
                          await reloadLabels();
                        }}
                        onError={setError}
                      />
                    </td>
                  )}
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

function EditRow({ label, onDone }: { label: Label; onDone: () => void }) {
  const { reloadLabels } = useApp();
  const [color, setColor] = useState(label.color.length === 4 ? '#' + label.color.slice(1).replace(/./g, (c) => c + c) : label.color || DEFAULT_COLOR);
  const [description, setDescription] = useState(label.description);
  const [error, setError] = useState<unknown>(null);
  return (
    <tr>
      <th scope="row">{label.name}</th>
      <td colSpan={2}>
        <form
          class="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              await patch<Label>(`/v1/labels/${encodeURIComponent(label.name)}`, { color, description: description.trim() });
              await reloadLabels();
              onDone();
            } catch (err) {
              setError(err);
            }
          }}
        >
          <Field label={`Colour of ${label.name}`}>{(a) => <input {...a} type="color" value={color} onInput={(e) => setColor(e.currentTarget.value)} />}</Field>
          <Field label={`Description of ${label.name}`}>{(a) => <input {...a} value={description} maxLength={200} onInput={(e) => setDescription(e.currentTarget.value)} />}</Field>
          <button type="submit" class="button primary small">
            Save
          </button>
          <button type="button" class="button small" onClick={onDone}>
            Cancel
          </button>
        </form>
        <ErrorNote error={error} />
      </td>
    </tr>
  );
}
