// The chat's state and every action the visitor or the page can take on it. It owns the
// Connection, turns server frames into the Conversation, remembers the session in storage
// (token, read position, pre-chat done) and tells the loader about unread messages.
// It also reports the page the visitor is on whenever its URL changes while the socket is
// open (loads, popstate, hashchange, and a once-a-second look at location.href for
// pushState: the host page's history object is never touched), and holds the satisfaction
// survey: asked while the resolved conversation has `satisfactionRequested`.
// Components only read `chat.state` and call its methods (the transcript form, an on-demand
// part, makes its own request with the session's token and reports through `notify`).

import { formatSize } from '@linktor/shared/message-text';
import { type Content, type Message, type ServerFrame, type SessionRequest, type SessionResponse, type UserInfo } from '../protocol';
import type { PanelContext } from '../shared/host';
import { format } from '../shared/language';
import { Connection, type ConnectionDeps, type LinkState } from './connection';
import * as C from './conversation';
import { chime } from './sound';
import { checkFile, upload, UploadError } from './uploads';

export interface ChatState {
  conv: C.Conversation;
  link: LinkState;
  agentsOnline: boolean;
  agentTyping: string | null;
  prechatDone: boolean;
  offlineSent: boolean;
  /** A message for the visitor about something that went wrong (upload refused…). */
  notice: string | null;
  /** Ask for consent before storing anything (privacy.cookieConsent, not yet answered). */
  askConsent: boolean;
  proactive: string[];
  open: boolean;
  /** The server sends email: the visitor may ask for the conversation by email. */
  emailEnabled: boolean;
  /** The live region's text; `n` changes so the same text is announced again. */
  announce: { text: string; n: number };
  /** The satisfaction survey: asked (1), answered here (2), or not shown (0). */
  survey: 0 | 1 | 2;
}

/** What is remembered between visits (short keys: it is stored in the visitor's browser). */
interface SessionRecord {
  /** token */ t: string;
  /** visitor id */ v: string;
  /** server expiry */ e: string;
  /** last used, ms */ s: number;
  /** agent messages read up to */ r: number;
  /** pre-chat form answered */ p?: boolean;
}

const FAIL_AFTER_MS = 20_000;
const TYPING_EVERY_MS = 3_000;
const TYPING_IDLE_MS = 5_000;
const AGENT_TYPING_MAX_MS = 30_000;

let clientSeq = 0;
export function newClientId(): string {
  const r = new Uint32Array(2);
  crypto.getRandomValues(r);
  return `c_${r[0].toString(36)}${r[1].toString(36)}${(++clientSeq).toString(36)}`;
}

export class Chat {
  state: ChatState;
  readonly conn: Connection;
  private listeners = new Set<() => void>();
  private timers = new Set<any>();
  private files = new Map<string, File>();
  private typingSentAt = 0;
  private typingStop: any = null;
  private agentTypingTimer: any = null;
  private userDirty = false;
  private record: SessionRecord | null;

  constructor(
    readonly host: PanelContext,
    readonly t: Record<string, string>,
    deps?: Partial<ConnectionDeps>,
  ) {
    this.record = this.loadRecord();
    const s = host.settings;
    this.state = {
      conv: { ...C.emptyConversation(), visitorReadSeq: this.record?.r ?? 0 },
      link: 'idle',
      agentsOnline: s.agentsOnline,
      agentTyping: null,
      prechatDone: !!this.record?.p,
      offlineSent: false,
      notice: null,
      emailEnabled: false,
      askConsent: s.privacy.cookieConsent && !host.storage.consented,
      proactive: [...host.proactive],
      open: false,
      announce: { text: '', n: 0 },
      survey: 0,
    };
    this.conn = new Connection(
      {
        apiBase: host.apiBase,
        fetch: (u, i) => fetch(u, i),
        WebSocket: WebSocket as unknown as ConnectionDeps['WebSocket'],
        setTimeout: (f, ms) => setTimeout(f, ms),
        clearTimeout: (t) => clearTimeout(t),
        random: Math.random,
        now: Date.now,
        ...deps,
      },
      {
        session: (r) => this.onSession(r),
        frame: (f) => this.onFrame(f),
        state: (link, detail) => {
          if (link === 'unavailable') host.report(`the chat is unavailable: ${detail}`);
          this.set({ link });
        },
        refused: (clientId, code, message) => {
          const isMessage = this.state.conv.messages.some((m) => m.clientId === clientId);
          // A refused message shows under it, with Retry; a refused form answer as a notice.
          this.set(isMessage ? { conv: C.updateLocal(this.state.conv, clientId, { status: 'failed', error: message || code }) } : { notice: message || code });
          host.report(`the server refused a message (${code}): ${message}`);
        },
      },
      () => this.sessionRequest(),
    );
    // A returning visitor reconnects at once: unread counts and sounds need the socket.
    if (this.record) this.connect();
  }

  /** The URL last reported (a page load, then each single-page navigation). */
  private page = '';
  private pageTimer: any;
  private reportPage = () => {
    const url = location.href;
    if (url !== this.page && this.conn.send({ type: 'page', url, title: document.title.slice(0, 512) || undefined })) this.page = url;
  };

  subscribe(f: () => void) {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private set(patch: Partial<ChatState>) {
    this.state = { ...this.state, ...patch };
    if ('conv' in patch) this.host.setUnread(this.state.open && !document.hidden ? 0 : C.unreadCount(this.state.conv));
    this.listeners.forEach((f) => f());
  }

  private after(ms: number, f: () => void) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      f();
    }, ms);
    this.timers.add(t);
    return t;
  }

  // ---- session and storage ----

  private loadRecord(): SessionRecord | null {
    try {
      const r: SessionRecord = JSON.parse(this.host.storage.get('session') ?? 'null');
      const { sessionDuration } = this.host.settings;
      if (r && r.t && Date.now() - r.s <= sessionDuration && Date.parse(r.e) > Date.now()) return r;
    } catch {
      // unreadable: start over
    }
    this.host.storage.remove('session');
    return null;
  }

  private saveRecord(patch: Partial<SessionRecord>) {
    if (!this.record && !patch.t) return;
    this.record = { ...this.record!, ...patch, s: Date.now() };
    this.host.storage.set('session', JSON.stringify(this.record));
  }

  private sessionRequest(): SessionRequest {
    const { user, userHash } = this.host.user();
    const s = this.host.settings;
    // An emailed link's token is tried once: a refused one leaves the visitor as they were.
    const resumeToken = this.host.resume;
    this.host.resume = null;
    const privacy = { anonymizeIP: s.privacy.anonymizeIP, ...(s.privacy.dataRetention ? { dataRetention: s.privacy.dataRetention } : {}) };
    return {
      channelId: s.channelId,
      ...(this.record ? { token: this.record.t } : {}),
      ...(resumeToken ? { resumeToken } : {}),
      ...(user ? { user } : {}),
      ...(userHash ? { userHash } : {}),
      page: location.pathname,
      referrer: document.referrer || undefined,
      language: s.language,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      privacy,
    };
  }

  /** Creates or resumes the session and connects (once; later calls are free). */
  connect() {
    this.conn.start().catch(() => undefined);
  }

  private onSession(r: SessionResponse) {
    let conv = this.state.conv;
    if (this.record && this.record.v !== r.visitorId) {
      // The token was refused (expired): a new visitor, so the old history is not theirs.
      conv = C.emptyConversation();
      this.record = null;
    }
    for (const m of r.messages ?? []) conv = C.addStored(conv, m);
    conv = { ...conv, agentReadSeq: Math.max(conv.agentReadSeq, r.readSeq ?? 0) };
    this.saveRecord({ t: r.token, v: r.visitorId, e: r.expiresAt, r: conv.visitorReadSeq, p: this.state.prechatDone });
    const prechatDone = this.state.prechatDone || conv.messages.some((m) => m.mine);
    this.set({ conv, agentsOnline: r.agentsOnline ?? this.state.agentsOnline, prechatDone, emailEnabled: !!r.emailEnabled, survey: r.conversation?.satisfactionRequested ? 1 : 0 });
    this.markRead();
  }

  private onFrame(f: ServerFrame) {
    const conv = this.state.conv;
    switch (f.type) {
      case 'ready':
        this.set({ agentsOnline: f.agentsOnline, conv: { ...conv, agentReadSeq: Math.max(conv.agentReadSeq, f.readSeq ?? 0) } });
        if (this.userDirty) this.updateUser();
        this.markRead();
        // Watched from the first socket on: before it, nothing could be reported.
        if (!this.pageTimer) {
          addEventListener('popstate', this.reportPage);
          addEventListener('hashchange', this.reportPage);
          this.pageTimer = setInterval(this.reportPage, 1000);
        }
        this.reportPage();
        return;
      case 'conversation':
        // Without the flag: rated (here, or in another tab) or reopened.
        if (f.conversation.satisfactionRequested) this.set({ survey: 1 });
        else if (this.state.survey === 1) this.set({ survey: 0 });
        return;
      case 'ack':
        if (f.message) this.receive(f.message);
        return;
      case 'message':
        return this.receive(f.message);
      case 'typing':
        this.clearAgentTyping();
        if (f.state === 'start') {
          this.set({ agentTyping: f.sender?.name || this.host.settings.companyName || this.t.support });
          this.agentTypingTimer = this.after(AGENT_TYPING_MAX_MS, () => this.set({ agentTyping: null }));
        } else this.set({ agentTyping: null });
        return;
      case 'read':
        if (f.reader === 'agent') this.set({ conv: { ...conv, agentReadSeq: Math.max(conv.agentReadSeq, f.seq) } });
        else if (f.seq > conv.visitorReadSeq) {
          // Read in another tab of this visitor.
          this.set({ conv: { ...conv, visitorReadSeq: f.seq } });
          this.saveRecord({ r: f.seq });
        }
        return;
      case 'delivered':
        this.set({ conv: { ...conv, deliveredSeq: Math.max(conv.deliveredSeq, f.seq) } });
        return;
      case 'availability':
        this.set({ agentsOnline: f.agentsOnline });
        return;
      case 'config':
        if (typeof f.config?.agentsOnline === 'boolean') this.set({ agentsOnline: f.config.agentsOnline });
        return;
      case 'error':
        if (!f.clientId) this.host.report(`server error ${f.code}: ${f.message}`);
        return;
    }
  }

  private receive(m: Message) {
    const before = this.state.conv;
    const known = before.messages.some((x) => x.id === m.id);
    const conv = C.addStored(before, m);
    if (conv === before) return;
    if (m.clientId) {
      this.files.delete(m.clientId);
    }
    this.saveRecord({});
    this.set({ conv, prechatDone: this.state.prechatDone || m.direction === 'inbound' });
    if (known) return;
    this.host.messageStored(m);
    if (m.direction === 'outbound') {
      this.clearAgentTyping();
      this.set({ agentTyping: null });
      const name = m.sender.name || this.host.settings.companyName || this.t.support;
      this.say(`${name}: ${preview(m.content)}`);
      if (this.host.settings.soundEnabled && (!this.state.open || document.hidden)) chime();
      this.markRead();
    }
  }

  private clearAgentTyping() {
    clearTimeout(this.agentTypingTimer);
    this.timers.delete(this.agentTypingTimer);
  }

  private say(text: string) {
    this.set({ announce: { text, n: this.state.announce.n + 1 } });
  }

  // ---- what the visitor (or the page) does ----

  setOpen(open: boolean) {
    this.set({ open });
    if (open) {
      this.connect();
      this.markRead();
    } else this.typing(false);
  }

  /** Everything on screen while the panel is visible counts as read. */
  markRead() {
    if (!this.state.open || document.hidden) return;
    const conv = this.state.conv;
    const seq = C.lastAgentSeq(conv);
    if (seq > conv.visitorReadSeq) {
      this.set({ conv: { ...conv, visitorReadSeq: seq } });
      this.saveRecord({ r: seq });
    }
    // Sent even when already counted locally: the agent must learn it once the socket is live.
    if (seq > this.readSent && this.conn.send({ type: 'read', seq })) this.readSent = seq;
  }
  private readSent = 0;

  sendText(text: string) {
    const body = text.trim();
    if (!body) return;
    this.typing(false);
    this.sendContent({ type: 'text', text: body.slice(0, 4096) });
  }

  private sendContent(content: Content, clientId = newClientId()) {
    if (!this.state.conv.messages.some((m) => m.clientId === clientId)) this.set({ conv: C.addLocal(this.state.conv, clientId, content, 'pending') });
    else this.set({ conv: C.updateLocal(this.state.conv, clientId, { content, status: 'pending', error: undefined }) });
    this.connect();
    this.conn.sendReliable({ type: 'message.send', clientId, content });
    this.watchDelivery(clientId);
  }

  /** Connected but not acknowledged in time: show it as failed, with Retry (it stays in the outbox). */
  private watchDelivery(clientId: string) {
    this.after(FAIL_AFTER_MS, () => {
      if (this.conn.has(clientId) && this.state.link === 'online') {
        this.set({ conv: C.updateLocal(this.state.conv, clientId, { status: 'failed', error: this.t.failed }) });
      }
    });
  }

  retry(clientId: string) {
    const file = this.files.get(clientId);
    const m = this.state.conv.messages.find((x) => x.clientId === clientId);
    if (!m) return;
    if (file && m.status === 'failed' && !this.conn.has(clientId)) return this.uploadOne(file, clientId);
    this.set({ conv: C.updateLocal(this.state.conv, clientId, { status: 'pending', error: undefined }) });
    if (this.conn.has(clientId)) this.conn.resend(clientId);
    else this.sendContent(m.content, clientId);
    this.watchDelivery(clientId);
  }

  sendFiles(list: File[]) {
    const policy = this.host.settings.fileUpload;
    const files = policy.multiple ? list : list.slice(0, 1);
    const problems: string[] = [];
    for (const file of files) {
      const refusal = checkFile(file, policy);
      if (refusal) problems.push(this.refusalText(refusal, file.name));
      else this.uploadOne(file, newClientId());
    }
    this.set({ notice: problems.length ? problems.join(' ') : null });
  }

  private refusalText(code: string, name: string): string {
    const t = this.t;
    const key = code === 'file_too_large' ? 'fileTooLarge' : code === 'file_type_not_allowed' ? 'fileTypeNotAllowed' : code === 'uploads_disabled' ? 'uploadsDisabled' : 'uploadFailed';
    return format(t[key], { name, max: formatSize(this.host.settings.fileUpload.maxSize) });
  }

  private async uploadOne(file: File, clientId: string) {
    this.files.set(clientId, file);
    const isImage = file.type.startsWith('image/');
    const content: Content = isImage
      ? { type: 'image', image: { url: '', name: file.name, size: file.size } }
      : { type: 'file', file: { url: '', name: file.name, size: file.size, mimeType: file.type } };
    const exists = this.state.conv.messages.some((m) => m.clientId === clientId);
    this.set({
      conv: exists
        ? C.updateLocal(this.state.conv, clientId, { status: 'uploading', progress: 0, error: undefined })
        : C.addLocal(this.state.conv, clientId, content, 'uploading'),
    });
    try {
      await this.conn.start();
      const token = this.conn.token;
      if (!token) throw new UploadError('unavailable', this.t.unavailable);
      const up = upload(this.host.apiBase, token, file, (progress) => this.set({ conv: C.updateLocal(this.state.conv, clientId, { progress }) }));
      const f = await up.done;
      const done: Content = isImage
        ? { type: 'image', image: { url: f.url, name: f.name, size: f.size } }
        : { type: 'file', file: { url: f.url, name: f.name, size: f.size, mimeType: f.mimeType } };
      this.sendContent(done, clientId);
    } catch (e) {
      const code = e instanceof UploadError ? e.code : 'internal';
      const text = this.refusalText(code, file.name);
      this.set({ conv: C.updateLocal(this.state.conv, clientId, { status: 'failed', error: text }), notice: text });
    }
  }

  clickButton(messageId: string, button: { id: string; label: string }) {
    const clientId = newClientId();
    this.set({ conv: C.addLocal(this.state.conv, clientId, { type: 'text', text: button.label }, 'pending', messageId) });
    this.connect();
    this.conn.sendReliable({ type: 'button.click', messageId, buttonId: button.id, clientId });
    this.watchDelivery(clientId);
  }

  submitForm(form: 'prechat' | 'offline', fields: Record<string, string>) {
    this.connect();
    this.conn.sendReliable({ type: 'form.submit', form, fields, clientId: newClientId() });
    if (form === 'prechat') {
      this.set({ prechatDone: true });
      this.saveRecord({ p: true });
    } else this.set({ offlineSent: true });
  }

  /** The visitor is typing (`active`) or stopped: one `start` per 3 s at most, `stop` after 5 s idle. */
  typing(active: boolean) {
    clearTimeout(this.typingStop);
    if (!active) {
      if (this.typingSentAt) this.conn.send({ type: 'typing', state: 'stop' });
      this.typingSentAt = 0;
      return;
    }
    const now = Date.now();
    if (now - this.typingSentAt >= TYPING_EVERY_MS && this.conn.send({ type: 'typing', state: 'start' })) this.typingSentAt = now;
    this.typingStop = setTimeout(() => this.typing(false), TYPING_IDLE_MS);
  }

  updateUser(user?: UserInfo) {
    const u = user ?? this.host.user().user;
    this.userDirty = !(u && this.conn.send({ type: 'user.update', user: u }));
  }

  showProactive(text: string) {
    this.set({ proactive: [...this.state.proactive, text] });
    if (this.state.open) this.say(text);
  }

  answerConsent(yes: boolean) {
    if (yes) {
      const { storage, seen } = this.host;
      storage.grantConsent();
      // The loader could only keep these in memory until now (it writes later ones itself).
      if (seen.size) storage.set('proactive', JSON.stringify([...seen]));
    }
    this.set({ askConsent: false });
  }

  rate(rating: number, comment: string) {
    const c = comment.trim();
    if (this.conn.send({ type: 'satisfaction.submit', rating, ...(c ? { comment: c } : {}) })) this.set({ survey: 2 });
  }

  /** Shows the visitor a notice (a transcript sent or not…), or dismisses it (null). */
  notify(notice: string | null) {
    this.set({ notice });
  }

  /** A new visitor session: the history is gone from this browser (the loader clears storage). */
  reset() {
    this.conn.clear();
    this.record = null;
    this.readSent = 0;
    this.files.clear();
    this.set({ conv: C.emptyConversation(), prechatDone: false, offlineSent: false, notice: null, agentTyping: null, proactive: [], link: 'idle' });
    if (this.state.open) this.connect();
  }

  destroy() {
    if (this.pageTimer) {
      removeEventListener('popstate', this.reportPage);
      removeEventListener('hashchange', this.reportPage);
      clearInterval(this.pageTimer);
    }
    this.conn.stop();
    this.timers.forEach(clearTimeout);
    clearTimeout(this.typingStop);
    this.listeners.clear();
  }
}

/** A one-line text for the live region and notifications. */
export function preview(c: Content): string {
  switch (c.type) {
    case 'text':
      return c.text;
    case 'image':
      return c.image.caption || c.image.name || '🖼';
    case 'file':
      return c.file.name;
    case 'interactive':
      return `${c.interactive.body.text} (${c.interactive.buttons.map((b) => b.label).join(', ')})`;
    case 'card':
      return [c.card.title, c.card.subtitle].filter(Boolean).join(' — ');
  }
}

