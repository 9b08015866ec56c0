// The signed-in dashboard's shared state: who is signed in, the account's agents and
// channels (names for the inbox), its labels, and sign-out. Pages read it with useApp().

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Agent, Channel, Label } from './lib/types';

export interface AppState {
  me: Agent;
  setMe: (a: Agent) => void;
  isAdmin: boolean;
  agents: Agent[];
  reloadAgents: () => Promise<void>;
  channels: Channel[];
  reloadChannels: () => Promise<void>;
  /** The account's labels (names and colours for the inbox's chips). */
  labels: Label[];
  reloadLabels: () => Promise<void>;
  signOut: () => Promise<void>;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const s = useContext(AppContext);
  if (!s) throw new Error('useApp outside the signed-in app');
  return s;
}
