// Message text as the visitor sees it, for the widget and the dashboard alike: text split into
// plain text and web links (http(s) only, trailing punctuation left out; everything else stays
// text, never HTML), hrefs kept only when http(s), and file sizes.

export type Segment = { text: string; href?: string };

const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;

export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    // Punctuation that ends a sentence is not part of the link.
    let trail = /[.,;:!?'")\]]+$/.exec(m[0])?.[0] ?? '';
    let url = m[0].slice(0, m[0].length - trail.length);
    // Keep closing parentheses that close one inside the URL (Wikipedia-style links).
    const count = (c: string) => url.split(c).length - 1;
    while (trail[0] === ')' && count('(') > count(')')) {
      url += ')';
      trail = trail.slice(1);
    }
    const start = m.index!;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: url, href: url.startsWith('www.') ? `https://${url}` : url });
    last = start + url.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** An href from a message or card, kept only when it is http(s). */
export const safeHref = (u: string | null | undefined) => (u && /^https?:\/\//i.test(u.trim()) ? u.trim() : undefined);

/** 52311 → '51 KB'; 10485760 → '10 MB'. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let n = bytes;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${i && n < 10 ? n.toFixed(1).replace(/\.0$/, '') : Math.round(n)} ${units[i]}`;
}
