// Settings → Agents: who answers, their role and availability; admins add and remove agents.

import { useState } from 'preact/hooks';
import { useApp } from '../app';
import { ApiError, del, errorText, post } from '../lib/api';
import { MIN_PASSWORD, type Agent, type AgentRole } from '../lib/types';
import { ErrorNote, Field, PageTitle, RemoveButton, TableHead } from '../ui';

export function Agents() {
  const { me, agents, reloadAgents } = useApp();
  const [error, setError] = useState<unknown>(null);
  return (
    <section class="page">
      <PageTitle title="Agents">Agents</PageTitle>
      <ErrorNote error={error} />
      <table class="table">
        <TableHead caption="Agents of the account" columns={['Name', 'Email', 'Role', 'Availability']} actions />
        <tbody>
          {agents.map((a) => (
            <tr>
              <th scope="row">
                {a.name}
                {a.id === me.id && <span class="muted"> (you)</span>}
              </th>
              <td>{a.email}</td>
              <td>{a.role === 'admin' ? 'Admin' : 'Agent'}</td>
              <td>
                <span class={`dot dot-${a.availability}`} aria-hidden="true" /> {a.availability[0].toUpperCase() + a.availability.slice(1)}
              </td>
              <td>
                {a.id !== me.id && (
                  <RemoveButton
                    label="Remove"
                    what={a.name || a.email}
                    question={`Remove ${a.name || a.email}? Their sessions end at once.`}
                    act={async () => {
                      await del(`/v1/agents/${encodeURIComponent(a.id)}`);
                      await reloadAgents();
                    }}
                    onError={setError}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <NewAgent onCreated={() => reloadAgents()} />
    </section>
  );
}

function NewAgent({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<AgentRole>('agent');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<Agent | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = 'Enter a name.';
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) errs.email = 'Enter an email address.';
    if ([...password].length < MIN_PASSWORD || [...password].length > 200) errs.password = `Use ${MIN_PASSWORD} to 200 characters.`;
    setErrors(errs);
    setCreated(null);
    if (Object.keys(errs).length) return;
    try {
      const a = await post<Agent>('/v1/agents', { name: name.trim(), email: email.trim(), role, password });
      setCreated(a);
      setName('');
      setEmail('');
      setPassword('');
      onCreated();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setErrors({ email: 'An agent with this email exists already.' });
      else if (err instanceof ApiError && err.field && ['name', 'email', 'password', 'role'].includes(err.field)) setErrors({ [err.field]: err.detail });
      else setErrors({ form: errorText(err) });
    }
  }
  return (
    <section class="card narrow" aria-labelledby="new-agent-h">
      <h2 id="new-agent-h">Add an agent</h2>
      <form onSubmit={submit} noValidate>
        <Field label="Name" error={errors.name}>
          {(a) => <input {...a} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />}
        </Field>
        <Field label="Email" error={errors.email}>
          {(a) => <input {...a} type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} autoComplete="off" />}
        </Field>
        <Field label="Role" hint="Admins see everything; agents see the inbox." error={errors.role}>
          {(a) => (
            <select {...a} value={role} onChange={(e) => setRole(e.currentTarget.value as AgentRole)}>
              <option value="agent">Agent</option>
              <option value="admin">Admin</option>
            </select>
          )}
        </Field>
        <Field label="Initial password" hint={`${MIN_PASSWORD} to 200 characters; give it to them safely, they can change it.`} error={errors.password}>
          {(a) => <input {...a} type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" />}
        </Field>
        {errors.form && <ErrorNote error={new Error(errors.form)} />}
        <p role="status" class={created ? 'notice notice-ok' : 'sr-only'}>
          {created ? `${created.name} can now sign in with ${created.email}.` : ''}
        </p>
        <button type="submit" class="button primary">
          Add agent
        </button>
      </form>
    </section>
  );
}
