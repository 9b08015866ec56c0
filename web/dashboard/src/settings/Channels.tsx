// Settings → Channels: the channel list, and Add Channel → WebChat → Name, Allowed Domains,
// Default Language → Save (POST /v1/channels), as the spec's "Step 1: Create WebChat Channel".

import { useState } from 'preact/hooks';
import { useApp } from '../app';
import { fieldErrors, post } from '../lib/api';
import { checkDomainList, parseDomainList } from '../lib/domains';
import { Link, navigate } from '../lib/router';
import { LANGUAGES, type Channel } from '../lib/types';
import { ErrorNote, Field, PageTitle, TableHead } from '../ui';

export function ChannelList() {
  const { channels, reloadChannels } = useApp();
  const [error, setError] = useState<unknown>(null);
  return (
    <section class="page">
      <div class="page-head">
        <PageTitle title="Channels">Channels</PageTitle>
        <Link class="button primary" href="/app/settings/channels/new">
          Add Channel
        </Link>
      </div>
      <ErrorNote error={error} />
      {channels.length === 0 ? (
        <p class="muted">
          No channel yet. <button type="button" class="link-button" onClick={() => reloadChannels().catch(setError)}>Reload</button>
        </p>
      ) : (
        <table class="table">
          <TableHead caption="Channels" columns={['Name', 'Type', 'Allowed domains', 'Language', 'Id']} />
          <tbody>
            {channels.map((c) => (
              <tr>
                <th scope="row">
                  <Link href={`/app/settings/channels/${c.id}/appearance`}>{c.name}</Link>
                </th>
                <td>WebChat</td>
                <td class="break">{c.allowedDomains.join(', ')}</td>
                <td>{c.defaultLanguage}</td>
                <td>
                  <code>{c.id}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function NewChannel() {
  const [type, setType] = useState<'webchat' | null>(null);
  return (
    <section class="page narrow">
      <PageTitle title="Add Channel">Add Channel</PageTitle>
      {!type ? (
        <>
          <p>Choose the kind of channel.</p>
          <ul class="choices">
            <li>
              <button type="button" class="choice" onClick={() => setType('webchat')}>
                <span class="choice-title">WebChat</span>
                <span class="choice-text">A chat widget on your website.</span>
              </button>
            </li>
          </ul>
        </>
      ) : (
        <ChannelForm />
      )}
    </section>
  );
}

export type ChannelFieldErrors = { name?: string; allowedDomains?: string; defaultLanguage?: string; form?: unknown };

/** A server error beside the field it names (a 422 on allowedDomains[1] goes to Allowed Domains). */
export const channelErrors = (e: unknown): ChannelFieldErrors => fieldErrors(e, ['name', 'allowedDomains', 'defaultLanguage'] as const);

/** Name, Allowed Domains, Default Language: the channel's own fields (create, and General tab). */
export function ChannelFields({ name, setName, domains, setDomains, language, setLanguage, errors }: { name: string; setName: (v: string) => void; domains: string; setDomains: (v: string) => void; language: string; setLanguage: (v: string) => void; errors: ChannelFieldErrors }) {
  return (
    <>
      <Field label="Name" hint='Shown to visitors, e.g. "Website Chat".' error={errors.name}>
        {(a) => <input {...a} required maxLength={128} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <Field label="Allowed Domains" hint="Where the widget may be embedded, comma separated, e.g. example.com, *.example.com (a wildcard is every subdomain, not the domain itself)." error={errors.allowedDomains}>
        {(a) => <input {...a} required value={domains} placeholder="example.com, *.example.com" autoComplete="off" spellcheck={false} onInput={(e) => setDomains(e.currentTarget.value)} />}
      </Field>
      <Field label="Default Language" error={errors.defaultLanguage}>
        {(a) => (
          <select {...a} value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
            {LANGUAGES.map((l) => (
              <option value={l.code}>
                {l.name} ({l.code})
              </option>
            ))}
          </select>
        )}
      </Field>
    </>
  );
}

function ChannelForm() {
  const { reloadChannels } = useApp();
  const [name, setName] = useState('');
  const [domains, setDomains] = useState('');
  const [language, setLanguage] = useState('en');
  const [errors, setErrors] = useState<ChannelFieldErrors>({});
  const [busy, setBusy] = useState(false);

  async function save(e: Event) {
    e.preventDefault();
    const errs: ChannelFieldErrors = {};
    if (!name.trim()) errs.name = 'Give the channel a name.';
    const d = checkDomainList(domains);
    if (d) errs.allowedDomains = d;
    setErrors(errs);
    if (Object.keys(errs).length) {
      (document.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
      return;
    }
    setBusy(true);
    try {
      const c = await post<Channel>('/v1/channels', { name: name.trim(), allowedDomains: parseDomainList(domains), defaultLanguage: language });
      await reloadChannels();
      navigate(`/app/settings/channels/${c.id}/appearance`);
    } catch (err) {
      setErrors(channelErrors(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={save} noValidate aria-labelledby="webchat-h">
      <h2 id="webchat-h">WebChat</h2>
      <ChannelFields name={name} setName={setName} domains={domains} setDomains={setDomains} language={language} setLanguage={setLanguage} errors={errors} />
      <ErrorNote error={errors.form} />
      <div class="form-actions">
        <Link class="button" href="/app/settings/channels">
          Cancel
        </Link>
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
