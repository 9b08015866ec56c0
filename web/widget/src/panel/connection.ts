// The visitor's link to the server: the session (POST /v1/widget/sessions), the WebSocket,
// reconnection with exponential backoff and jitter, heartbeats, and the outbox: every frame
// with a clientId stays in it until acknowledged and is resent after each reconnect with the
// same clientId, so the server stores it once however often it is sent.

import type { ClientFrame, ServerFrame, SessionRequest, SessionResponse } from '../protocol';

export type LinkState = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'unavailable';

export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number): void;
  onopen: ((e: any) => void) | null;
  onmessage: ((e: { data: any }) => void) | null;
  onclose: ((e: any) => void) | null;
  onerror: ((e: any) => void) | null;
}

export interface ConnectionDeps {
  apiBase: string;
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  WebSocket: new (url: string) => SocketLike;
  setTimeout: (f: () => void, ms: number) => any;
  clearTimeout: (t: any) => void;
  random: () => number;
  now: () => number;
}

export interface ConnectionEvents {
  /** A session was created or resumed; its history replaces what was shown. */
  session(s: SessionResponse): void;
  frame(f: ServerFrame): void;
  state(s: LinkState, detail?: string): void;
  /** The server refused a frame of the outbox (not a rate limit): it will not be resent. */
  refused(clientId: string, code: string, message: string): void;
}

type Reliable = Extract<ClientFrame, { clientId: string }>;

export const HEARTBEAT_MS = 25_000;
export const DEAD_AFTER_MS = 60_000;

/** Delay before reconnect attempt `n` (0-based): doubling from 0.5 s, up to 30 s, with jitter. */
export const backoff = (n: number, random: () => number) => Math.round(Math.min(30_000, 500 * 2 ** Math.min(n, 16) * (1 + random())));

export class Connection {
  private ws: SocketLike | null = null;
  private outbox = new Map<string, Reliable>();
  private ready = false;
  private stopped = false;
  private attempt = 0;
  /** Consecutive sockets that closed before `ready`: the token may have expired. */
  private failedOpens = 0;
  private retryTimer: any = null;
  private beatTimer: any = null;
  private lastHeard = 0;
  private starting: Promise<void> | null = null;
  private session: SessionResponse | null = null;
  lastSeq = 0;

  constructor(
    private deps: ConnectionDeps,
    private events: ConnectionEvents,
    /** The session request as of now (stored token, user, page). */
    private request: () => SessionRequest,
  ) {}

  get token(): string | null {
    return this.session?.token ?? null;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Creates or resumes the session and connects; later calls return the same promise. */
  start(): Promise<void> {
    this.stopped = false;
    return (this.starting ??= this.openSession().then(() => this.connect()));
  }

  /** Best effort (typing, read, user.update): sent only when live. */
  send(frame: ClientFrame): boolean {
    if (!this.ready || !this.ws) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Kept until acknowledged; sent now when live, else after the next `ready`. */
  sendReliable(frame: Reliable) {
    this.outbox.set(frame.clientId, frame);
    this.send(frame);
  }

  /** Retry of a failed message: same clientId, so never stored twice. */
  resend(clientId: string) {
    const f = this.outbox.get(clientId);
    if (f) this.send(f);
  }

  has(clientId: string) {
    return this.outbox.has(clientId);
  }

  /** The network came back: reconnect now rather than at the end of the backoff. */
  wake() {
    if (this.retryTimer !== null && !this.stopped) {
      this.deps.clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.reconnect();
    }
  }

  stop() {
    this.stopped = true;
    this.ready = false;
    this.deps.clearTimeout(this.retryTimer);
    this.deps.clearTimeout(this.beatTimer);
    this.retryTimer = this.beatTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onopen = ws.onerror = null;
      ws.close(1000);
    }
    this.starting = null;
  }

  /** Forget the session and the outbox (reset: a new visitor next time). */
  clear() {
    this.stop();
    this.outbox.clear();
    this.session = null;
    this.lastSeq = 0;
  }

  private async openSession(): Promise<void> {
    for (;;) {
      if (this.stopped) throw new Error('stopped');
      this.events.state(this.attempt ? 'reconnecting' : 'connecting');
      let status = 0;
      let body: any = null;
      try {
        const r = await this.deps.fetch(`${this.deps.apiBase}/v1/widget/sessions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(this.request()),
          credentials: 'omit',
        });
        status = r.status;
        body = await r.json().catch(() => null);
      } catch {
        // network down: retried below
      }
      if (this.stopped) throw new Error('stopped');
      if (status >= 200 && status < 300 && body?.token) {
        this.session = body as SessionResponse;
        this.lastSeq = Math.max(body.conversation?.lastSeq ?? 0, ...(body.messages ?? []).map((m: any) => m.seq));
        this.events.session(this.session);
        return;
      }
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        // Refused for good (origin, identity, channel): retrying cannot help.
        this.events.state('unavailable', body?.error?.message ?? `HTTP ${status}`);
        this.stopped = true;
        throw new Error(body?.error?.code ?? 'refused');
      }
      await new Promise<void>((res) => (this.retryTimer = this.deps.setTimeout(() => ((this.retryTimer = null), res()), backoff(this.attempt++, this.deps.random))));
    }
  }

  private connect() {
    if (this.stopped || !this.session) return;
    const url = `${this.deps.apiBase.replace(/^http/, 'ws')}/v1/ws?token=${encodeURIComponent(this.session.token)}`;
    const ws = (this.ws = new this.deps.WebSocket(url));
    ws.onopen = () => {
      this.lastHeard = this.deps.now();
      ws.send(JSON.stringify({ type: 'resume', lastSeq: this.lastSeq } satisfies ClientFrame));
      this.beat();
    };
    ws.onmessage = (e) => {
      this.lastHeard = this.deps.now();
      let f: ServerFrame;
      try {
        f = JSON.parse(String(e.data));
      } catch {
        return;
      }
      this.receive(f);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.ready) this.failedOpens++;
      this.ready = false;
      this.deps.clearTimeout(this.beatTimer);
      if (this.stopped) return;
      this.events.state('reconnecting');
      this.retryTimer = this.deps.setTimeout(() => {
        this.retryTimer = null;
        this.reconnect();
      }, backoff(this.attempt++, this.deps.random));
    };
  }

  private reconnect() {
    // Sockets that keep failing before `ready` mean a refused token (expired, or the server
    // lost it): ask for the session again, which gives a fresh token or a new visitor.
    if (this.failedOpens >= 2) {
      this.failedOpens = 0;
      this.starting = this.openSession().then(() => this.connect(), () => undefined);
    } else this.connect();
  }

  private receive(f: ServerFrame) {
    if ('message' in f && f.message && typeof f.message === 'object' && 'seq' in f.message) this.lastSeq = Math.max(this.lastSeq, f.message.seq);
    if (f.type === 'ready') {
      this.ready = true;
      this.attempt = this.failedOpens = 0;
      this.lastSeq = Math.max(this.lastSeq, 0);
      this.events.state('online');
      this.events.frame(f);
      this.outbox.forEach((frame) => this.send(frame));
      return;
    }
    if (f.type === 'ack') this.outbox.delete(f.clientId);
    if (f.type === 'error' && f.clientId && this.outbox.has(f.clientId)) {
      if (f.code === 'rate_limited') {
        const id = f.clientId;
        this.deps.setTimeout(() => this.resend(id), 1000);
      } else {
        this.outbox.delete(f.clientId);
        this.events.refused(f.clientId, f.code, f.message);
      }
    }
    this.events.frame(f);
  }

  /** Pings every 25 s; a socket silent for 60 s is dead even if the browser has not noticed. */
  private beat() {
    this.beatTimer = this.deps.setTimeout(() => {
      const ws = this.ws;
      if (!ws) return;
      if (this.deps.now() - this.lastHeard > DEAD_AFTER_MS) {
        ws.close(4000);
        ws.onclose?.({});
        return;
      }
      if (this.ready) ws.send(JSON.stringify({ type: 'ping' }));
      this.beat();
    }, HEARTBEAT_MS);
  }
}
