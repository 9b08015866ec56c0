// The API's types: every body is generated from Rust (linktor-core) into web/protocol and
// re-exported here, with the few lists of values the forms offer.

export type * from '../../../protocol';

/** Every webhook event name (docs/api.md). */
export const WEBHOOK_EVENTS = [
  'webchat.conversation.started',
  'message.received',
  'webchat.button.clicked',
  'message.sent',
  'message.delivered',
  'message.read',
  'webchat.conversation.resolved',
  'webchat.form.submitted',
] as const;

export const LANGUAGES: { code: string; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
  { code: 'pt', name: 'Português' },
  { code: 'fr', name: 'Français' },
  { code: 'de', name: 'Deutsch' },
  { code: 'ar', name: 'العربية' },
  { code: 'he', name: 'עברית' },
];

/** The server's rule for new passwords (linktor-core agent.rs: 10 to 200 characters). */
export const MIN_PASSWORD = 10;
