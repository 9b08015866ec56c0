// The sign-in page: email and password (POST /v1/auth/login). Wrong credentials and the
// server's rate limit are shown as the server words them.

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorText, post } from '../lib/api';
import type { SessionInfo } from '../lib/types';

export function SignIn({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Sign in · Linktor';
    emailRef.current?.focus();
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await post<SessionInfo>('/v1/auth/login', { email: email.trim(), password }));
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'The email or the password is wrong.'
          : err instanceof ApiError && err.status === 429
            ? 'Too many attempts. Wait a few minutes, then try again.'
            : errorText(err),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="center-page">
      <div class="signin-card">
        <p class="brand brand-large" aria-hidden="true">
          Linktor
        </p>
        <h1>Sign in to Linktor</h1>
        <form onSubmit={submit} aria-describedby={error ? 'signin-error' : undefined} noValidate>
          <div class="field">
            <label for="signin-email">Email</label>
            <input id="signin-email" ref={emailRef} type="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="signin-password">Password</label>
            <input id="signin-password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </div>
          {error && (
            <p id="signin-error" class="notice notice-error" role="alert">
              {error}
            </p>
          )}
          <button class="button primary wide" type="submit" disabled={busy || !email || !password}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
