// The dashboard's entry: checks the session (GET /v1/auth/session) on load, shows the
// sign-in page without one, else the signed-in shell — header with navigation, the agent's
// availability and account, and the page of the current route.

import './style.css';
import { render, type ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { AppContext, type AppState, useApp } from './app';
import { ApiError, errorText, get, onSessionLost, post, put, setCsrfToken } from './lib/api';
import { notify, unlockAudio } from './lib/notify';
import { socket } from './lib/realtime';
import { Link, match, navigate, usePath } from './lib/router';
import { preview } from './lib/thread';
import type { Agent, SessionInfo, Availability, Channel, Label } from './lib/types';
import { Account } from './pages/Account';
import { Analytics } from './pages/Analytics';
import { SignIn } from './pages/SignIn';
import { Inbox } from './inbox/Inbox';
import { Settings } from './settings/Settings';
import { Loading } from './ui';

function Root() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const check = useCallback(() => {
    setError(null);
    get<SessionInfo>('/v1/auth/session')
      .then((s) => {
        setCsrfToken(s.csrfToken);
        setSession(s);
      })
      .catch((e) => {
        if (e instanceof ApiError && e.status === 401) setSession(null);
        else setError(e);
      });
  }, []);
  useEffect(() => {
    check();
    onSessionLost(() => {
      socket.stop();
      setSession(null);
    });
    // Audio may only start after a gesture: unlock it on the first one.
    const unlock = () => unlockAudio();
    addEventListener('pointerdown', unlock, { once: true });
    addEventListener('keydown', unlock, { once: true });
  }, [check]);

  if (error)
    return (
      <main id="main" class="center-page">
        <h1>Linktor</h1>
        <p role="alert">{errorText(error)}</p>
        <button class="button primary" type="button" onClick={check}>
          Try again
        </button>
      </main>
    );
  if (session === undefined) return <Loading what="Loading the dashboard" />;
  if (!session)
    return (
      <SignIn
        onSignedIn={(s) => {
          setCsrfToken(s.csrfToken);
          setSession(s);
          if (location.pathname === '/app/login') navigate('/app/inbox', { replace: true });
        }}
      />
    );
  return (
    <Shell
      key={session.agent.id}
      session={session}
      onSignedOut={() => {
        setCsrfToken('');
        setSession(null);
      }}
    />
  );
}

function Shell({ session, onSignedOut }: { session: SessionInfo; onSignedOut: () => void }) {
  const [me, setMe] = useState<Agent>(session.agent);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [channels, setChannels] = useState<Channel[]>([]);
  const [labels, setLabels] = useState<Label[]>([]);
  const [connected, setConnected] = useState(true);
  const isAdmin = me.role === 'admin';
  const reloadAgents = useCallback(async () => setAgents(await get<Agent[]>('/v1/agents')), []);
  const reloadChannels = useCallback(async () => setChannels(await get<Channel[]>('/v1/channels')), []);
  const reloadLabels = useCallback(async () => setLabels(await get<Label[]>('/v1/labels')), []);
  const known = useRef(new Set<string>());

  useEffect(() => {
    reloadAgents().catch(() => undefined);
    reloadChannels().catch(() => undefined);
    reloadLabels().catch(() => undefined);
    socket.start();
    const off = socket.on((f) => {
      if (f.type === 'status') setConnected(f.connected);
      else if (f.type === 'ready') setMe(f.agent);
      else if (f.type === 'agent.availability') {
        setAgents((list) => list.map((a) => (a.id === f.agentId ? { ...a, availability: f.availability } : a)));
        setMe((m) => (m.id === f.agentId ? { ...m, availability: f.availability } : m));
      } else if (f.type === 'conversation') {
        const c = f.conversation;
        const fresh = c.status === 'open' && !known.current.has(c.id) && Date.now() - Date.parse(c.createdAt) < 60_000;
        known.current.add(c.id);
        if (fresh) notify('New conversation', 'A visitor started a conversation', c.id, () => navigate(`/app/inbox/${c.id}`));
      } else if (f.type === 'message' && f.message.sender.type === 'visitor') {
        known.current.add(f.message.conversationId);
        notify(`${f.message.sender.name || 'Visitor'}`, preview(f.message), f.message.conversationId, () => navigate(`/app/inbox/${f.message.conversationId}`));
      }
    });
    return () => {
      off();
      socket.stop();
    };
  }, [reloadAgents, reloadChannels, reloadLabels]);

  const signOut = useCallback(async () => {
    try {
      await post('/v1/auth/logout');
    } finally {
      socket.stop();
      navigate('/app/login', { replace: true });
      onSignedOut();
    }
  }, [onSignedOut]);

  const state: AppState = useMemo(
    () => ({ me, setMe, isAdmin, agents, reloadAgents, channels, reloadChannels, labels, reloadLabels, signOut }),
    [me, isAdmin, agents, reloadAgents, channels, reloadChannels, labels, reloadLabels, signOut],
  );

  return (
    <AppContext.Provider value={state}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link class="brand" href="/app/inbox">
          Linktor
        </Link>
        <MainNav isAdmin={isAdmin} />
        <div class="topbar-end">
          {!connected && (
            <span class="offline-badge" role="status">
              Reconnecting…
            </span>
          )}
          <AvailabilitySwitcher />
          <Link class="account-link" href="/app/account" aria-label={`Account: ${me.name || me.email}`}>
            {me.name || me.email}
          </Link>
          <button type="button" class="button ghost" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes />
      </main>
    </AppContext.Provider>
  );
}

function MainNav({ isAdmin }: { isAdmin: boolean }) {
  const { path } = usePath();
  const item = (href: string, label: string) => (
    <li>
      <Link href={href} aria-current={path === href || path.startsWith(href + '/') ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  return (
    <nav aria-label="Main" class="main-nav">
      <ul>
        {item('/app/inbox', 'Inbox')}
        {isAdmin && item('/app/analytics', 'Analytics')}
        {item('/app/settings', 'Settings')}
      </ul>
    </nav>
  );
}

const AVAILABILITY: { value: Availability; label: string }[] = [
  { value: 'online', label: 'Online' },
  { value: 'away', label: 'Away' },
  { value: 'offline', label: 'Offline' },
];

function AvailabilitySwitcher() {
  const { me, setMe } = useApp();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <div class="availability">
      <span class={`dot dot-${me.availability}`} aria-hidden="true" />
      <label for="availability" class="sr-only">
        Your availability
      </label>
      <select
        id="availability"
        value={me.availability}
        disabled={busy}
        aria-describedby={error ? 'availability-error' : undefined}
        onChange={async (e) => {
          const availability = e.currentTarget.value as Availability;
          setBusy(true);
          setError('');
          try {
            setMe(await put<Agent>('/v1/agents/me/availability', { availability }));
          } catch (err) {
            setError(errorText(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        {AVAILABILITY.map((a) => (
          <option value={a.value}>{a.label}</option>
        ))}
      </select>
      {error && (
        <span id="availability-error" role="alert" class="error">
          {error}
        </span>
      )}
    </div>
  );
}

function AdminOnly({ children }: { children: ComponentChildren }) {
  const { isAdmin } = useApp();
  if (isAdmin) return <>{children}</>;
  return (
    <section class="page">
      <h1>Not available</h1>
      <p>Only admins can open this page. Ask an admin of your account.</p>
    </section>
  );
}

function Routes() {
  const { path } = usePath();
  const { isAdmin } = useApp();
  useEffect(() => {
    if (path === '/app' || path === '/app/login') navigate('/app/inbox', { replace: true });
    else if (path === '/app/settings') navigate(isAdmin ? '/app/settings/channels' : '/app/settings/saved-replies', { replace: true });
  }, [path, isAdmin]);
  if (path === '/app' || path === '/app/login' || path === '/app/inbox' || match('/app/inbox/:id', path)) return <Inbox conversationId={match('/app/inbox/:id', path)?.id} />;
  if (path === '/app/account') return <Account />;
  if (path === '/app/analytics')
    return (
      <AdminOnly>
        <Analytics />
      </AdminOnly>
    );
  // Saved replies and the list of labels are every agent's; the rest of Settings is admins'.
  if (path === '/app/settings/saved-replies' || path === '/app/settings/labels') return <Settings path={path} />;
  if (path.startsWith('/app/settings'))
    return (
      <AdminOnly>
        <Settings path={path} />
      </AdminOnly>
    );
  return (
    <section class="page">
      <h1>Page not found</h1>
      <p>
        <Link href="/app/inbox">Go to the inbox</Link>
      </p>
    </section>
  );
}

render(<Root />, document.getElementById('app')!);
