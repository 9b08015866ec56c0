// Picks the language of the widget's strings and the direction of its layout. Built in: en, es,
// pt, fr, de; any other language falls back to English strings (the site's `translations` may
// still supply them) and Arabic, Hebrew, Persian and Urdu lay out right to left.

export type Strings = Record<string, string>;
export type Table = Record<'en' | 'es' | 'pt' | 'fr' | 'de', Strings>;

/** 'pt-BR' → 'pt'. */
export const baseLanguage = (lang: string) => lang.toLowerCase().split(/[-_]/)[0];

export const isRtl = (lang: string) => ['ar', 'he', 'fa', 'ur'].includes(baseLanguage(lang));

/** The table's strings for `lang` (English for missing ones) with the site's overrides on top. */
export function stringsFor(table: Table, lang: string, overrides: Strings): Strings {
  return { ...table.en, ...(table as Record<string, Strings>)[baseLanguage(lang)], ...overrides };
}

/** '{n} new' with { n: 3 } → '3 new'. */
export const format = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
