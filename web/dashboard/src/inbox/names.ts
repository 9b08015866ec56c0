// How people are named in the inbox: a visitor by their name, else email, else a short
// form of their id; agents by name. Always plain strings, rendered as text.

import type { Agent, Visitor } from '../lib/types';

export function visitorName(v: Visitor | undefined, visitorId: string): string {
  const u = v?.user;
  return u?.name?.trim() || u?.email?.trim() || `Visitor ${visitorId.replace(/^visitor_/, '').slice(-6)}`;
}

export const agentName = (agents: Agent[], id: string | undefined | null) => {
  if (!id) return '';
  const a = agents.find((x) => x.id === id);
  return a ? a.name || a.email : 'another agent';
};

/** One or two letters for an avatar placeholder. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const s = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] ?? '?').slice(0, 2);
  return s.toUpperCase();
}
