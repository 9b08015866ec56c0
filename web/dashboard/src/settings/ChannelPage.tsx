// One channel's settings: the tabs General (name, domains, language, delete), Appearance,
// Behavior and Installation. Appearance and Behavior edit one draft of the channel's settings,
// saved together (PATCH /v1/channels/{id}), and shown live in the real widget beside the form.

import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app';
import { ApiError, del, errorText, get, patch } from '../lib/api';
import { checkDomainList, parseDomainList } from '../lib/domains';
import { Link, navigate } from '../lib/router';
import type { Channel, ChannelSettings } from '../lib/types';
import { ErrorNote, Loading, PageTitle } from '../ui';
import { AppearanceTab } from './Appearance';
import { BehaviorTab } from './Behavior';
import { ChannelFields, channelErrors, type ChannelFieldErrors } from './Channels';
import { InstallationTab } from './Installation';
import { Preview } from './Preview';

const TABS = [
  { id: 'general', label: 'General' },
  { id: 'appearance', label: 'Appearance' },
  { id: 'behavior', label: 'Behavior' },
  { id: 'installation', label: 'Installation' },
];

/** The error of a settings field (`appearance.primaryColor`), from a 422 that names it or a field inside it. */
export type FieldError = (path: string) => string | undefined;

export function ChannelPage({ id, tab }: { id: string; tab: string }) {
  const [channel, setChannel] = useState<Channel>();
  const [draft, setDraft] = useState<ChannelSettings>();
  const [error, setError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<ApiError | unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    get<Channel>(`/v1/channels/${encodeURIComponent(id)}`)
      .then((c) => {
        if (!live) return;
        setChannel(c);
        setDraft(structuredClone(c.settings));
      })
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [id]);

  if (error) return <ErrorNote error={error} />;
  if (!channel || !draft) return <Loading what="Loading the channel" />;
  const dirty = JSON.stringify(draft) !== JSON.stringify(channel.settings);
  const current = TABS.find((t) => t.id === tab) ?? TABS[1];

  const fieldError: FieldError = (path) => {
    const e = saveError;
    if (!(e instanceof ApiError) || !e.field) return undefined;
    return e.field === path || e.field.startsWith(path + '.') || e.field.startsWith(path + '[') ? e.detail : undefined;
  };

  async function save() {
    setBusy(true);
    setSaved(false);
    setSaveError(null);
    try {
      const c = await patch<Channel>(`/v1/channels/${encodeURIComponent(id)}`, { settings: draft });
      setChannel(c);
      setDraft(structuredClone(c.settings));
      setSaved(true);
    } catch (e) {
      setSaveError(e);
      // Take the eye (and focus) to the field the server named.
      requestAnimationFrame(() => (document.querySelector('.settings-form [aria-invalid="true"]') as HTMLElement | null)?.focus());
    } finally {
      setBusy(false);
    }
  }

  const editing = current.id === 'appearance' || current.id === 'behavior';
  return (
    <section class="page channel-page">
      <p class="breadcrumb">
        <Link href="/app/settings/channels">Channels</Link> <span aria-hidden="true">›</span>
      </p>
      <PageTitle title={`${channel.name} · ${current.label}`}>{channel.name}</PageTitle>
      <nav aria-label="Channel settings" class="tabs">
        <ul>
          {TABS.map((t) => (
            <li>
              <Link href={`/app/settings/channels/${id}/${t.id}`} aria-current={t.id === current.id ? 'page' : undefined} focus={false}>
                {t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {current.id === 'general' && <GeneralTab channel={channel} onSaved={setChannel} />}
      {current.id === 'installation' && <InstallationTab channel={channel} />}
      {editing && (
        <div class="editor">
          <form
            class="settings-form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            {current.id === 'appearance' ? <AppearanceTab channelId={channel.id} draft={draft} setDraft={setDraft} fieldError={fieldError} /> : <BehaviorTab channel={channel} draft={draft} setDraft={setDraft} fieldError={fieldError} />}
            <div class="save-bar">
              {saveError ? (
                <p class="error" role="alert">
                  {saveError instanceof ApiError && saveError.field ? `Not saved: ${saveError.message}` : `Not saved: ${errorText(saveError)}`}
                </p>
              ) : (
                <p role="status" class="small muted">
                  {saved && !dirty ? 'Saved. Widgets open on visitors’ pages have the new settings.' : dirty ? 'Unsaved changes.' : ''}
                </p>
              )}
              <button type="button" class="button" disabled={!dirty || busy} onClick={() => setDraft(structuredClone(channel.settings))}>
                Discard changes
              </button>
              <button type="submit" class="button primary" disabled={busy}>
                {busy ? 'Saving…' : 'Save'}
              </button>
            </div>
          </form>
          <Preview channel={channel} draft={draft} />
        </div>
      )}
    </section>
  );
}

function GeneralTab({ channel, onSaved }: { channel: Channel; onSaved: (c: Channel) => void }) {
  const { reloadChannels } = useApp();
  const [name, setName] = useState(channel.name);
  const [domains, setDomains] = useState(channel.allowedDomains.join(', '));
  const [language, setLanguage] = useState(channel.defaultLanguage);
  const [errors, setErrors] = useState<ChannelFieldErrors>({});
  const [saved, setSaved] = useState(false);
  const [confirm, setConfirm] = useState('');
  const [deleteError, setDeleteError] = useState<unknown>(null);

  async function save(e: Event) {
    e.preventDefault();
    setSaved(false);
    const errs: ChannelFieldErrors = {};
    if (!name.trim()) errs.name = 'Give the channel a name.';
    const d = checkDomainList(domains);
    if (d) errs.allowedDomains = d;
    setErrors(errs);
    if (Object.keys(errs).length) return;
    try {
      const c = await patch<Channel>(`/v1/channels/${encodeURIComponent(channel.id)}`, { name: name.trim(), allowedDomains: parseDomainList(domains), defaultLanguage: language });
      onSaved(c);
      setSaved(true);
      void reloadChannels();
    } catch (err) {
      setErrors(channelErrors(err));
    }
  }

  return (
    <div class="narrow">
      <form onSubmit={save} noValidate>
        <ChannelFields name={name} setName={setName} domains={domains} setDomains={setDomains} language={language} setLanguage={setLanguage} errors={errors} />
        <ErrorNote error={errors.form} />
        <p role="status" class="small muted">
          {saved ? 'Saved.' : ''}
        </p>
        <button type="submit" class="button primary">
          Save
        </button>
      </form>
      <section class="card danger-zone" aria-labelledby="delete-h">
        <h2 id="delete-h">Delete this channel</h2>
        <p>The widget stops working on every site that embeds it. Type the channel's name to confirm.</p>
        <div class="field">
          <label for="delete-confirm">Channel name</label>
          <input id="delete-confirm" value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} autoComplete="off" />
        </div>
        <ErrorNote error={deleteError} />
        <button
          type="button"
          class="button danger"
          disabled={confirm !== channel.name}
          onClick={async () => {
            try {
              await del(`/v1/channels/${encodeURIComponent(channel.id)}`);
              await reloadChannels();
              navigate('/app/settings/channels');
            } catch (e) {
              setDeleteError(e);
            }
          }}
        >
          Delete channel
        </button>
      </section>
    </div>
  );
}
