// The inbox's small rules, kept apart from its components so they are tested without a
// browser: saved-reply templates and the `/` search, the visitor's pages of "this session",
// the thread's timeline of messages and activity, the words of activity lines, label colours.

import type { Activity, Agent, PageView, SavedReply } from './types';

/** Fills {{visitor.name}}, {{visitor.email}}, {{agent.name}}; unknown values become "". Other {{…}} are kept. */
export function fillTemplate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(/\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/g, (all, key: string) => (key in vars ? vars[key] ?? '' : all));
}

/** The `/query` at the start of the composer's text, or null when it is not a saved-reply search. */
export function slashQuery(text: string): string | null {
  const m = /^\/([a-z0-9_-]*)$/i.exec(text);
  return m ? m[1].toLowerCase() : null;
}

/** Saved replies for a `/query`: shortcuts starting with it first, then those containing it (or whose text does). */
export function matchReplies(list: SavedReply[], q: string, max = 8): SavedReply[] {
  const starts = list.filter((r) => r.shortcut.startsWith(q));
  const rest = list.filter((r) => !r.shortcut.startsWith(q) && (r.shortcut.includes(q) || r.text.toLowerCase().includes(q)));
  return [...starts.sort((a, b) => a.shortcut.localeCompare(b.shortcut)), ...rest].slice(0, max);
}

/** A gap this long between two page views starts a new visit. */
export const SESSION_GAP_MS = 30 * 60 * 1000;

/**
 * The pages of the visitor's current visit: the views since the last gap of 30 minutes or
 * more, and none before the conversation started less 30 minutes (older ones were another visit
 * even without a gap). Oldest first, as the server sends them.
 */
export function sessionPages(pages: PageView[], conversationStart?: string): PageView[] {
  let from = 0;
  for (let i = 1; i < pages.length; i++) if (Date.parse(pages[i].viewedAt) - Date.parse(pages[i - 1].viewedAt) >= SESSION_GAP_MS) from = i;
  const floor = conversationStart ? Date.parse(conversationStart) - SESSION_GAP_MS : -Infinity;
  return pages.slice(from).filter((p) => Date.parse(p.viewedAt) >= floor);
}

/** A name for an agent id: "you", their name, or "another agent". */
function who(agents: Agent[], me: Agent, id: string | undefined, you: string): string {
  if (!id) return '';
  if (id === me.id) return you;
  const a = agents.find((x) => x.id === id);
  return a ? a.name || a.email : 'another agent';
}

/** The system line of an assignment or rating ("Ana assigned this conversation to Bo"); "" for a note. */
export function activityLine(a: Activity, agents: Agent[], me: Agent): string {
  const actor = a.agentId ? who(agents, me, a.agentId, 'You') || a.agentName || '' : '';
  switch (a.kind) {
    case 'assigned': {
      const to = who(agents, me, a.assigneeId, 'you');
      if (!actor) return `Assigned to ${to} automatically`;
      if (a.agentId === a.assigneeId) return `${actor} took this conversation`;
      return `${actor} assigned this conversation to ${to}`;
    }
    case 'unassigned':
      return a.agentId ? `Unassigned by ${who(agents, me, a.agentId, 'you') || a.agentName}` : 'Unassigned automatically';
    case 'satisfaction':
      return `Visitor rated ${a.rating ?? '?'}/5${a.text ? `: “${a.text}”` : ''}`;
    default:
      return '';
  }
}

/** One entry of the thread: a message or an activity, placed by time. */
export type TimelineItem<M> = { kind: 'message'; at: string; item: M } | { kind: 'activity'; at: string; item: Activity };

/** Messages (kept in their order) with activity entries slotted in by time; pending messages stay last. */
export function timeline<M extends { createdAt: string; pending?: boolean }>(messages: M[], activity: Activity[]): TimelineItem<M>[] {
  const acts = [...activity].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const out: TimelineItem<M>[] = [];
  let j = 0;
  for (const m of messages) {
    if (!m.pending) while (j < acts.length && Date.parse(acts[j].createdAt) < Date.parse(m.createdAt)) out.push({ kind: 'activity', at: acts[j].createdAt, item: acts[j++] });
    else while (j < acts.length) out.push({ kind: 'activity', at: acts[j].createdAt, item: acts[j++] });
    out.push({ kind: 'message', at: m.createdAt, item: m });
  }
  while (j < acts.length) out.push({ kind: 'activity', at: acts[j].createdAt, item: acts[j++] });
  return out;
}

/** Adds or replaces an activity entry by id. */
export const mergeActivity = (list: Activity[], a: Activity) => [...list.filter((x) => x.id !== a.id), a];

/** Black or white text, whichever reads better on a label's colour (#RGB or #RRGGBB). */
export function labelTextColor(color: string): string {
  let h = color.replace('#', '');
  if (h.length === 3) h = h.replace(/./g, (c) => c + c);
  const n = parseInt(h, 16);
  if (h.length !== 6 || Number.isNaN(n)) return '#000';
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const l = 0.2126 * lin(n >> 16) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return l > 0.179 ? '#000' : '#fff';
}

/** The time now in an IANA zone ("14:05"), or "" when the zone is unknown to the browser. */
export function localTime(timeZone: string | undefined, now: Date = new Date(), locale?: string): string {
  if (!timeZone) return '';
  try {
    return now.toLocaleTimeString(locale, { timeZone, hour: '2-digit', minute: '2-digit' });
  } catch {
    return '';
  }
}
