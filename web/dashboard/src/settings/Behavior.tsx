// Behavior tab (the spec's Step 3): pre-chat form, file uploads, emojis, sound, proactive
// messages (time, pageview, scroll, exit intent), offline mode, identity verification (with
// the channel's secret and a rotate button), privacy, and the inbox's rules (assignment: manual
// or round robin with a cap per agent; the satisfaction survey). Limits as in linktor-core.

import { useEffect, useState } from 'preact/hooks';
import { errorText, get, post } from '../lib/api';
import type { AssignmentMode, Behavior, Channel, ChannelSettings, FieldType, FormField, InboxSettings, OfflineSettings, PrivacySettings, ProactiveRule, Trigger } from '../lib/types';
import { Check, CopyButton, Field, TableHead } from '../ui';
import type { FieldError } from './ChannelPage';

const MB = 1024 * 1024;
const MAX_UPLOAD_MB = 50;

export function BehaviorTab({ channel, draft, setDraft, fieldError }: { channel: Channel; draft: ChannelSettings; setDraft: (s: ChannelSettings) => void; fieldError: FieldError }) {
  const b = draft.behavior;
  const setB = (p: Partial<Behavior>) => setDraft({ ...draft, behavior: { ...b, ...p } });
  const o = draft.offline;
  const setO = (p: Partial<OfflineSettings>) => setDraft({ ...draft, offline: { ...o, ...p } });
  const pr = draft.privacy;
  const setP = (p: Partial<PrivacySettings>) => setDraft({ ...draft, privacy: { ...pr, ...p } });
  const inbox: InboxSettings = draft.inbox ?? { assignment: { mode: 'manual', maxOpenPerAgent: 10 }, satisfactionSurvey: true };
  const setI = (p: Partial<InboxSettings>) => setDraft({ ...draft, inbox: { ...inbox, ...p } });
  const f = b.fileUpload;
  const [types, setTypes] = useState(f.allowedTypes.join(', '));
  useEffect(() => setTypes(f.allowedTypes.join(', ')), [f.allowedTypes.join(',')]);

  return (
    <>
      <h2 class="sr-only">Behavior</h2>
      <fieldset class="group">
        <legend>Pre-chat Form</legend>
        <Check label="Ask for details before the chat starts" checked={b.preChatForm.enabled} onChange={(enabled) => setB({ preChatForm: { ...b.preChatForm, enabled, fields: enabled && b.preChatForm.fields.length === 0 ? DEFAULT_PRECHAT : b.preChatForm.fields } })} />
        {b.preChatForm.enabled && <FormFieldsEditor what="Pre-chat" fields={b.preChatForm.fields} onChange={(fields) => setB({ preChatForm: { ...b.preChatForm, fields } })} path="behavior.preChatForm.fields" fieldError={fieldError} />}
      </fieldset>

      <fieldset class="group">
        <legend>File Uploads</legend>
        <Check label="Visitors can send files" checked={f.enabled} onChange={(enabled) => setB({ fileUpload: { ...f, enabled } })} />
        {f.enabled && (
          <>
            <Field label="Maximum file size (MB)" hint={`1 to ${MAX_UPLOAD_MB} MB.`} error={fieldError('behavior.fileUpload.maxSize')}>
              {(a) => (
                <input
                  {...a}
                  type="number"
                  min={1}
                  max={MAX_UPLOAD_MB}
                  step={1}
                  value={Math.round((f.maxSize / MB) * 10) / 10}
                  onInput={(e) => {
                    const mb = Number(e.currentTarget.value);
                    if (Number.isFinite(mb) && mb > 0) setB({ fileUpload: { ...f, maxSize: Math.min(MAX_UPLOAD_MB * MB, Math.round(mb * MB)) } });
                  }}
                />
              )}
            </Field>
            <Field label="Allowed types" hint="Comma separated MIME types or extensions, e.g. image/*, application/pdf, .docx" error={fieldError('behavior.fileUpload.allowedTypes')}>
              {(a) => (
                <input
                  {...a}
                  value={types}
                  spellcheck={false}
                  onInput={(e) => {
                    setTypes(e.currentTarget.value);
                    setB({ fileUpload: { ...f, allowedTypes: e.currentTarget.value.split(',').map((t) => t.trim()).filter(Boolean) } });
                  }}
                />
              )}
            </Field>
            <Check label="Several files at once" checked={f.multiple} onChange={(multiple) => setB({ fileUpload: { ...f, multiple } })} />
          </>
        )}
      </fieldset>

      <fieldset class="group">
        <legend>Emojis and sound</legend>
        <Check label="Emoji picker in the widget" checked={b.emojis} onChange={(emojis) => setB({ emojis })} />
        <Check label="Sound notifications for new messages" checked={b.soundEnabled} onChange={(soundEnabled) => setB({ soundEnabled })} />
      </fieldset>

      <fieldset class="group">
        <legend>Proactive Messages</legend>
        <p class="hint">Messages the widget shows by itself when a visitor does something.</p>
        <ProactiveEditor rules={b.proactiveMessages} onChange={(proactiveMessages) => setB({ proactiveMessages })} fieldError={fieldError} />
      </fieldset>

      <fieldset class="group">
        <legend>Offline Mode</legend>
        <Check label="When no agent is online, replace the composer with a form" checked={o.enabled} onChange={(enabled) => setO({ enabled })} hint="When off, visitors can always write and see the offline message as a notice." />
        <Field label="Offline form message" error={fieldError('offline.message')}>
          {(a) => <textarea {...a} rows={2} maxLength={1024} value={o.message} onInput={(e) => setO({ message: e.currentTarget.value })} />}
        </Field>
        <FormFieldsEditor what="Offline form" fields={o.form.fields} onChange={(fields) => setO({ form: { ...o.form, fields } })} path="offline.form.fields" fieldError={fieldError} />
        <Field label="Offline form button" error={fieldError('offline.form.submitButton')}>
          {(a) => <input {...a} maxLength={64} value={o.form.submitButton} onInput={(e) => setO({ form: { ...o.form, submitButton: e.currentTarget.value } })} />}
        </Field>
      </fieldset>

      <fieldset class="group">
        <legend>Identity Verification</legend>
        <Check
          label="Trust a user.id from the page only with a valid userHash"
          checked={draft.identityVerification}
          onChange={(identityVerification) => setDraft({ ...draft, identityVerification })}
          hint="userHash is the hex HMAC-SHA256 of user.id with this secret, computed by your backend. Only verified users share history across devices."
        />
        <IdentitySecret channelId={channel.id} />
      </fieldset>

      <fieldset class="group">
        <legend>Inbox: assignment and satisfaction</legend>
        <Field label="Assignment of new conversations" error={fieldError('inbox.assignment.mode')}>
          {(a) => (
            <select {...a} value={inbox.assignment.mode} onChange={(e) => setI({ assignment: { ...inbox.assignment, mode: e.currentTarget.value as AssignmentMode } })}>
              <option value="manual">Manual: agents take or assign conversations</option>
              <option value="roundRobin">Round robin: to the online agents in turn</option>
            </select>
          )}
        </Field>
        {inbox.assignment.mode === 'roundRobin' && (
          <Field label="Open conversations per agent at most" hint="An agent with this many open conversations gets no new ones until one is resolved (1 to 1000)." error={fieldError('inbox.assignment.maxOpenPerAgent')}>
            {(a) => (
              <input
                {...a}
                type="number"
                min={1}
                max={1000}
                value={inbox.assignment.maxOpenPerAgent}
                onInput={(e) => setI({ assignment: { ...inbox.assignment, maxOpenPerAgent: Math.max(0, Math.floor(Number(e.currentTarget.value) || 0)) } })}
              />
            )}
          </Field>
        )}
        <Check
          label="Ask visitors to rate the conversation when it is resolved"
          checked={inbox.satisfactionSurvey}
          onChange={(satisfactionSurvey) => setI({ satisfactionSurvey })}
          hint="The widget shows a 1 to 5 rating with an optional comment; ratings appear in the conversation and in Analytics."
        />
      </fieldset>

      <fieldset class="group">
        <legend>Privacy</legend>
        <Check label="Ask for cookie consent before storing anything in the visitor's browser" checked={pr.cookieConsent} onChange={(cookieConsent) => setP({ cookieConsent })} />
        <Field label="Data retention (days)" hint="Resolved conversations are deleted after this many days (1 to 3650)." error={fieldError('privacy.dataRetention')}>
          {(a) => <input {...a} type="number" min={1} max={3650} value={pr.dataRetention} onInput={(e) => setP({ dataRetention: Math.max(0, Math.floor(Number(e.currentTarget.value) || 0)) })} />}
        </Field>
        <Check label="Anonymize visitors' IP addresses" checked={pr.anonymizeIP} onChange={(anonymizeIP) => setP({ anonymizeIP })} />
      </fieldset>
    </>
  );
}

const DEFAULT_PRECHAT: FormField[] = [
  { name: 'name', label: 'Name', type: 'text', required: true },
  { name: 'email', label: 'Email', type: 'email', required: true },
];

const FIELD_TYPES: [FieldType, string][] = [
  ['text', 'Text'],
  ['email', 'Email'],
  ['tel', 'Phone'],
  ['textarea', 'Long text'],
];

/** Rows of form fields: name, label, type, required. At most 20. */
function FormFieldsEditor({ what, fields, onChange, path, fieldError }: { what: string; fields: FormField[]; onChange: (f: FormField[]) => void; path: string; fieldError: FieldError }) {
  const set = (i: number, p: Partial<FormField>) => onChange(fields.map((f, j) => (j === i ? { ...f, ...p } : f)));
  return (
    <div class="form-fields">
      <table class="table compact">
        <TableHead caption={`${what} fields`} columns={['Name', 'Label', 'Type', 'Required']} actions />
        <tbody>
          {fields.map((f, i) => {
            const nameErr = fieldError(`${path}[${i}].name`);
            const labelErr = fieldError(`${path}[${i}].label`);
            const n = i + 1;
            return (
              <tr>
                <td>
                  <input aria-label={`${what} field ${n} name`} value={f.name} maxLength={64} pattern="[A-Za-z0-9_-]+" spellcheck={false} aria-invalid={nameErr ? true : undefined} onInput={(e) => set(i, { name: e.currentTarget.value })} />
                  {nameErr && <p class="error">{nameErr}</p>}
                </td>
                <td>
                  <input aria-label={`${what} field ${n} label`} value={f.label} maxLength={128} aria-invalid={labelErr ? true : undefined} onInput={(e) => set(i, { label: e.currentTarget.value })} />
                  {labelErr && <p class="error">{labelErr}</p>}
                </td>
                <td>
                  <select aria-label={`${what} field ${n} type`} value={f.type} onChange={(e) => set(i, { type: e.currentTarget.value as FieldType })}>
                    {FIELD_TYPES.map(([v, l]) => (
                      <option value={v}>{l}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <input type="checkbox" aria-label={`${what} field ${n} required`} checked={f.required} onChange={(e) => set(i, { required: e.currentTarget.checked })} />
                </td>
                <td>
                  <button type="button" class="link-button" aria-label={`Remove ${what.toLowerCase()} field ${n}`} onClick={() => onChange(fields.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {fieldError(path) && !fields.some((_, i) => fieldError(`${path}[${i}]`)) && <p class="error">{fieldError(path)}</p>}
      {fields.length < 20 && (
        <button type="button" class="button small" onClick={() => onChange([...fields, { name: `field_${fields.length + 1}`, label: '', type: 'text', required: false }])}>
          Add a field
        </button>
      )}
    </div>
  );
}

const TRIGGERS: [Trigger, string][] = [
  ['time', 'Time on page'],
  ['pageview', 'Page view'],
  ['scroll', 'Scrolled down'],
  ['exit_intent', 'About to leave'],
];

function ProactiveEditor({ rules, onChange, fieldError }: { rules: ProactiveRule[]; onChange: (r: ProactiveRule[]) => void; fieldError: FieldError }) {
  const set = (i: number, r: ProactiveRule) => onChange(rules.map((x, j) => (j === i ? r : x)));
  return (
    <div class="rules">
      {rules.length === 0 && <p class="muted small">No proactive messages.</p>}
      {rules.map((r, i) => {
        const n = i + 1;
        const base = `behavior.proactiveMessages[${i}]`;
        const setTrigger = (trigger: Trigger) => {
          const next: ProactiveRule = { trigger, message: r.message, onlyOnce: r.onlyOnce };
          if (r.delay !== undefined) next.delay = r.delay;
          if (trigger === 'pageview') next.page = r.page ?? '/';
          if (trigger === 'scroll') next.percentage = r.percentage ?? 50;
          set(i, next);
        };
        return (
          <fieldset class="rule">
            <legend>Rule {n}</legend>
            <div class="row">
              <Field label="Trigger">
                {(a) => (
                  <select {...a} value={r.trigger} onChange={(e) => setTrigger(e.currentTarget.value as Trigger)}>
                    {TRIGGERS.map(([v, l]) => (
                      <option value={v}>{l}</option>
                    ))}
                  </select>
                )}
              </Field>
              {r.trigger === 'pageview' && (
                <Field label="Page path" error={fieldError(`${base}.page`)}>
                  {(a) => <input {...a} value={r.page ?? ''} placeholder="/pricing" maxLength={512} onInput={(e) => set(i, { ...r, page: e.currentTarget.value })} />}
                </Field>
              )}
              {r.trigger === 'scroll' && (
                <Field label="Scrolled (%)" error={fieldError(`${base}.percentage`)}>
                  {(a) => <input {...a} type="number" min={1} max={100} value={r.percentage ?? 50} onInput={(e) => set(i, { ...r, percentage: Math.floor(Number(e.currentTarget.value) || 0) })} />}
                </Field>
              )}
              <Field label="Delay (seconds)" error={fieldError(`${base}.delay`)}>
                {(a) => (
                  <input
                    {...a}
                    type="number"
                    min={0}
                    max={86400}
                    value={r.delay === undefined ? '' : r.delay / 1000}
                    onInput={(e) => {
                      const v = e.currentTarget.value;
                      const next = { ...r };
                      if (v === '') delete next.delay;
                      else next.delay = Math.max(0, Math.round(Number(v) * 1000));
                      set(i, next);
                    }}
                  />
                )}
              </Field>
            </div>
            <Field label="Message" error={fieldError(`${base}.message`)}>
              {(a) => <textarea {...a} rows={2} maxLength={1024} value={r.message} onInput={(e) => set(i, { ...r, message: e.currentTarget.value })} />}
            </Field>
            <Check label="Only once per visitor" checked={r.onlyOnce} onChange={(onlyOnce) => set(i, { ...r, onlyOnce })} />
            <button type="button" class="link-button" onClick={() => onChange(rules.filter((_, j) => j !== i))}>
              Remove rule {n}
            </button>
          </fieldset>
        );
      })}
      {rules.length < 20 && (
        <button type="button" class="button small" onClick={() => onChange([...rules, { trigger: 'time', delay: 30000, message: 'Hi! Need any help?', onlyOnce: true }])}>
          Add a proactive message
        </button>
      )}
    </div>
  );
}

function IdentitySecret({ channelId }: { channelId: string }) {
  const [secret, setSecret] = useState('');
  const [shown, setShown] = useState(false);
  const [error, setError] = useState('');
  const [rotated, setRotated] = useState(false);
  const path = `/v1/channels/${encodeURIComponent(channelId)}/identity-secret`;
  useEffect(() => {
    get<{ secret: string }>(path).then((s) => setSecret(s.secret), (e) => setError(errorText(e)));
  }, [path]);
  return (
    <div class="secret">
      <div class="field">
        <label for="identity-secret">Identity secret</label>
        <div class="row">
          <input id="identity-secret" readOnly value={shown ? secret : secret ? '•'.repeat(24) : ''} spellcheck={false} class="mono" />
          <button type="button" class="button small" onClick={() => setShown(!shown)} aria-pressed={shown}>
            {shown ? 'Hide' : 'Show'}
          </button>
          {secret && <CopyButton text={secret} label="Copy secret" class="button small" />}
          <button
            type="button"
            class="button small danger"
            onClick={async () => {
              if (!confirm('Rotate the identity secret? Hashes made with the old secret stop being valid at once.')) return;
              try {
                setSecret((await post<{ secret: string }>(path)).secret);
                setShown(true);
                setRotated(true);
              } catch (e) {
                setError(errorText(e));
              }
            }}
          >
            Rotate
          </button>
        </div>
      </div>
      <p role="status" class="small muted">
        {rotated ? 'A new secret is in place; update your backend.' : ''}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
