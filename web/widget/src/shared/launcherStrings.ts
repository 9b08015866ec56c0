// The few strings the loader needs before the chat panel exists (launcher and proactive
// bubble); the panel's strings live in panel/strings.ts so they cost nothing until it opens.

import type { Table } from './language';

export const launcherStrings: Table = {
  en: { openChat: 'Open chat', closeChat: 'Close chat', unreadMessages: '{n} unread messages', dismiss: 'Dismiss' },
  es: { openChat: 'Abrir chat', closeChat: 'Cerrar chat', unreadMessages: '{n} mensajes sin leer', dismiss: 'Descartar' },
  pt: { openChat: 'Abrir chat', closeChat: 'Fechar chat', unreadMessages: '{n} mensagens não lidas', dismiss: 'Dispensar' },
  fr: { openChat: 'Ouvrir le chat', closeChat: 'Fermer le chat', unreadMessages: '{n} messages non lus', dismiss: 'Ignorer' },
  de: { openChat: 'Chat öffnen', closeChat: 'Chat schließen', unreadMessages: '{n} ungelesene Nachrichten', dismiss: 'Schließen' },
};
