// The only strings the loader needs before the chat panel exists: the launcher's name and the
// proactive bubble's close button. Everything shown once the panel is loaded (its "Close chat"
// and unread count included) lives in src/i18n/, so it costs nothing until then.

import type { Table } from './language';

export const launcherStrings: Table = {
  en: { openChat: 'Open chat', dismiss: 'Dismiss' },
  es: { openChat: 'Abrir chat', dismiss: 'Descartar' },
  pt: { openChat: 'Abrir chat', dismiss: 'Dispensar' },
  fr: { openChat: 'Ouvrir le chat', dismiss: 'Ignorer' },
  de: { openChat: 'Chat öffnen', dismiss: 'Schließen' },
};
