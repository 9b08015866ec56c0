// Where the widget remembers things in the visitor's browser (session token, proactive
// messages already shown, consent). localStorage when the session persists, sessionStorage
// (gone with the tab) when it does not, and memory only until consent when consent is asked.
// The widget never writes cookies.

export interface WidgetStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  /** Whether writing to the browser is allowed now. */
  readonly consented: boolean;
  /** The visitor agreed: what was kept in memory is written out, and later writes go through. */
  grantConsent(): void;
}

type Backend = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

export function createStorage(
  channelId: string,
  opts: { persist: boolean; cookieConsent: boolean },
  backends: { local?: Backend | null; session?: Backend | null } = browserBackends(),
): WidgetStorage {
  const prefix = `linktor:${channelId}:`;
  const backend = (opts.persist ? backends.local : backends.session) ?? null;
  // persistSession: false must leave nothing behind after the tab closes, so a token an
  // earlier page wrote to localStorage under persistSession: true is dropped.
  if (!opts.persist) safely(() => backends.local?.removeItem(prefix + 'session'));
  const memory = new Map<string, string>();
  let consented = !opts.cookieConsent || safely(() => backend?.getItem(prefix + 'consent')) === 'yes';

  const write = (k: string, v: string) => safely(() => backend?.setItem(prefix + k, v));
  return {
    get: (k) => memory.get(k) ?? (consented ? safely(() => backend?.getItem(prefix + k)) ?? null : null),
    set(k, v) {
      memory.set(k, v);
      if (consented) write(k, v);
    },
    remove(k) {
      memory.delete(k);
      safely(() => backend?.removeItem(prefix + k));
    },
    get consented() {
      return consented;
    },
    grantConsent() {
      if (consented) return;
      consented = true;
      if (opts.cookieConsent) write('consent', 'yes');
      memory.forEach((v, k) => write(k, v));
    },
  };
}

/**
 * The loader's view of the same storage: reads, and writes once consent is given (no memory
 * before it, so a proactive rule shown before consent may show again on a later page).
 */
export function peekStorage(channelId: string, opts: { persist: boolean; cookieConsent: boolean }) {
  const prefix = `linktor:${channelId}:`;
  const b = safely(() => (opts.persist ? localStorage : sessionStorage));
  const get = (k: string) => safely(() => b!.getItem(prefix + k)) ?? null;
  const consented = () => !opts.cookieConsent || get('consent') === 'yes';
  return {
    get: (k: string) => (consented() ? get(k) : null),
    set: (k: string, v: string) => consented() && safely(() => b!.setItem(prefix + k, v)),
  };
}

/** Forgets everything of a channel in this browser but the consent (reset: a new visitor). */
export function clearStorage(channelId: string, backends: { local?: Backend | null; session?: Backend | null } = browserBackends()) {
  const prefix = `linktor:${channelId}:`;
  for (const b of [backends.local, backends.session]) {
    safely(() => {
      const keys: string[] = [];
      for (let i = 0; b && i < b.length; i++) {
        const k = b.key(i);
        if (k?.startsWith(prefix) && k !== prefix + 'consent') keys.push(k);
      }
      keys.forEach((k) => b!.removeItem(k));
    });
  }
}

/** Storage access throws in sandboxed frames and some privacy modes; the widget then forgets. */
function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function browserBackends() {
  return { local: safely(() => window.localStorage), session: safely(() => window.sessionStorage) };
}
