// Settings → API keys: for the customer's backend (Authorization: Bearer lk_…). A new key is
// shown once, with a Copy button; the list shows only prefixes; revoking is immediate.

import { useState } from 'preact/hooks';
import { del, get, post } from '../lib/api';
import type { ApiKey, CreatedApiKey } from '../lib/types';
import { ErrorNote, Field, Loading, PageTitle, RemoveButton, SecretOnce, TableHead, useLoad } from '../ui';

export function ApiKeys() {
  const keys = useLoad(() => get<ApiKey[]>('/v1/api-keys'), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [nameError, setNameError] = useState('');
  return (
    <section class="page">
      <PageTitle title="API keys">API keys</PageTitle>
      <p class="hint">Your backend sends messages and reads conversations with a key: <code>Authorization: Bearer lk_…</code>.</p>
      <form
        class="inline-form"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (!name.trim()) return setNameError('Name the key after what uses it, e.g. backend.');
          setNameError('');
          setError(null);
          try {
            setCreated(await post<CreatedApiKey>('/v1/api-keys', { name: name.trim() }));
            setName('');
            await keys.reload();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <Field label="Key name" error={nameError}>
          {(a) => <input {...a} value={name} maxLength={128} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="button primary">
          Create key
        </button>
      </form>
      {created && (
        <SecretOnce
          intro={
            <>
              <strong>{created.name}</strong>: copy this key now, it is not shown again.
            </>
          }
          secret={created.key}
          copy="Copy key"
          testId="new-api-key"
        />
      )}
      <ErrorNote error={error || keys.error} />
      {keys.loading && !keys.data ? (
        <Loading />
      ) : (
        <table class="table">
          <TableHead caption="API keys" columns={['Name', 'Key', 'Created', 'Last used']} actions />
          <tbody>
            {(keys.data ?? []).map((k) => (
              <tr>
                <th scope="row">{k.name}</th>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{new Date(k.createdAt).toLocaleString()}</td>
                <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'Never'}</td>
                <td>
                  <RemoveButton
                    label="Revoke"
                    what={k.name}
                    question={`Revoke the key "${k.name}"? Requests with it fail at once.`}
                    act={async () => {
                      await del(`/v1/api-keys/${encodeURIComponent(k.id)}`);
                      await keys.reload();
                    }}
                    onError={setError}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
