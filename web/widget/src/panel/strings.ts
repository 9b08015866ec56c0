// The chat panel's strings. English is built in; Spanish, Portuguese, French and German are
// fetched from beside the panel (linktor-<lang>.json, from src/i18n/), so a visitor downloads
// only their own language. Keys are what a site may override with `translations`
// (welcomeMessage, inputPlaceholder, sendButton, offlineMessage…).

import en from '../i18n/en.json';
import { baseLanguage, type Strings } from '../shared/language';

export const english: Strings = en;
export const FETCHED_LANGUAGES = ['es', 'pt', 'fr', 'de'];

/** English strings overlaid with `lang`'s (English alone when it is not built in or cannot be fetched). */
export async function panelStrings(baseUrl: string, lang: string): Promise<Strings> {
  const l = baseLanguage(lang);
  if (FETCHED_LANGUAGES.includes(l)) {
    try {
      const r = await fetch(new URL(`linktor-${l}.json`, baseUrl).href, { credentials: 'omit' });
      if (r.ok) return { ...en, ...(await r.json()) };
    } catch {
      // offline or blocked: English it is
    }
  }
  return en;
}
