// Times as agents read them: day separators in a thread (Today, Yesterday, a date), short
// times beside messages, "5 min" ages in the conversation list, durations in analytics.
// `now` is a parameter wherever it matters, so the rules are tested without a clock.

const DAY = 24 * 60 * 60 * 1000;

/** Midnight (local time) of the day containing `d`. */
const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

/** "Today", "Yesterday", the weekday within a week, else a date. */
export function dayLabel(d: Date, now: Date = new Date(), locale?: string): string {
  const days = Math.round((startOfDay(now) - startOfDay(d)) / DAY);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return d.toLocaleDateString(locale, { weekday: 'long' });
  const sameYear = d.getFullYear() === now.getFullYear();
  return d.toLocaleDateString(locale, sameYear ? { day: 'numeric', month: 'long' } : { day: 'numeric', month: 'long', year: 'numeric' });
}

export type DayGroup<T> = { key: string; label: string; items: T[] };

/** Splits items (in time order) into runs of the same local day, each with its label. */
export function groupByDay<T>(items: T[], at: (item: T) => string, now: Date = new Date(), locale?: string): DayGroup<T>[] {
  const groups: DayGroup<T>[] = [];
  for (const item of items) {
    const d = new Date(at(item));
    const key = `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
    const last = groups[groups.length - 1];
    if (last && last.key === key) last.items.push(item);
    else groups.push({ key, label: dayLabel(d, now, locale), items: [item] });
  }
  return groups;
}

/** "14:05" (the locale's short time). */
export const timeOf = (iso: string, locale?: string) => new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });

/** A short age for the conversation list: "now", "5 min", "3 h", "2 d", or a date. */
export function ago(iso: string, now: Date = new Date(), locale?: string): string {
  const ms = now.getTime() - new Date(iso).getTime();
  if (ms < 60_000) return 'now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min`;
  if (ms < DAY) return `${Math.floor(ms / 3_600_000)} h`;
  if (ms < 7 * DAY) return `${Math.floor(ms / DAY)} d`;
  return new Date(iso).toLocaleDateString(locale, { day: 'numeric', month: 'short' });
}

/** Seconds as "45 s", "3 min", "1 h 20 min", "2 d 4 h"; "–" for null. */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(s / 86400);
  const h = Math.round((s % 86400) / 3600);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** YYYY-MM-DD of a date in UTC (the analytics API's days are UTC). */
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The `from`/`to` of a period of `days` days ending today (UTC), both inclusive. */
export function periodEnding(days: number, now: Date = new Date()): { from: string; to: string } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const from = new Date(to.getTime() - (days - 1) * DAY);
  return { from: isoDay(from), to: isoDay(to) };
}
