// Splits message text into plain text and web links, so links can be made clickable while
// everything else is rendered as text (never as HTML). Only http(s) links: a `javascript:`
// URL in a message stays text.

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
