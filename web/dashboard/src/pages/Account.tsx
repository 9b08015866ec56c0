// The signed-in agent's own settings: password (POST /v1/auth/password) and how the
// dashboard gets their attention (browser notifications, sound).

import { useState } from 'preact/hooks';
import { useApp } from '../app';
import { ApiError, errorText, post } from '../lib/api';
import { askPermission, chime, notificationPermission, notificationsSupported, setSoundOn, soundOn, unlockAudio } from '../lib/notify';
import { MIN_PASSWORD } from '../lib/types';
import { Check, Field, PageTitle } from '../ui';

export function Account() {
  const { me } = useApp();
  return (
    <section class="page narrow">
      <PageTitle title="Account">Account</PageTitle>
      <dl class="facts">
        <dt>Name</dt>
        <dd>{me.name}</dd>
        <dt>Email</dt>
        <dd>{me.email}</dd>
        <dt>Role</dt>
        <dd>{me.role === 'admin' ? 'Admin' : 'Agent'}</dd>
      </dl>
      <Notifications />
      <ChangePassword />
    </section>
  );
}

function Notifications() {
  const [permission, setPermission] = useState(notificationPermission());
  const [sound, setSound] = useState(soundOn());
  return (
    <section class="card" aria-labelledby="notif-h">
      <h2 id="notif-h">Notifications</h2>
      <p class="hint">While the dashboard is in a background tab, a new conversation or visitor message shows a notification and plays a short sound.</p>
      {!notificationsSupported() ? (
        <p>This browser does not support notifications.</p>
      ) : permission === 'granted' ? (
        <p>Desktop notifications are on.</p>
      ) : permission === 'denied' ? (
        <p>Desktop notifications are blocked for this site; allow them in the browser's site settings.</p>
      ) : (
        <button type="button" class="button" onClick={async () => setPermission(await askPermission())}>
          Turn on desktop notifications
        </button>
      )}
      <Check
        label="Play a sound"
        checked={sound}
        onChange={(v) => {
          setSoundOn(v);
          setSound(v);
          if (v) {
            unlockAudio();
            chime();
          }
        }}
      />
    </section>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<{ current?: string; next?: string; repeat?: string; form?: string }>({});
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setDone(false);
    const errs: typeof errors = {};
    if (!current) errs.current = 'Enter your current password.';
    if ([...next].length < MIN_PASSWORD || [...next].length > 200) errs.next = `Use ${MIN_PASSWORD} to 200 characters.`;
    if (repeat !== next) errs.repeat = 'The two new passwords differ.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      await post('/v1/auth/password', { currentPassword: current, newPassword: next });
      setDone(true);
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setErrors({ current: 'The current password is wrong.' });
      else if (err instanceof ApiError && err.status === 422) setErrors({ next: err.detail });
      else setErrors({ form: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="pw-h">
      <h2 id="pw-h">Change password</h2>
      <form onSubmit={submit} noValidate>
        <Field label="Current password" error={errors.current}>
          {(a) => <input {...a} type="password" autoComplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />}
        </Field>
        <Field label="New password" hint={`${MIN_PASSWORD} to 200 characters. Your other sessions are signed out.`} error={errors.next}>
          {(a) => <input {...a} type="password" autoComplete="new-password" value={next} onInput={(e) => setNext(e.currentTarget.value)} />}
        </Field>
        <Field label="Repeat the new password" error={errors.repeat}>
          {(a) => <input {...a} type="password" autoComplete="new-password" value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />}
        </Field>
        {errors.form && (
          <p class="notice notice-error" role="alert">
            {errors.form}
          </p>
        )}
        <p role="status" class={done ? 'notice notice-ok' : 'sr-only'}>
          {done ? 'Your password was changed.' : ''}
        </p>
        <button class="button primary" type="submit" disabled={busy}>
          Change password
        </button>
      </form>
    </section>
  );
}
