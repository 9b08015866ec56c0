// Colours derived from the site's primaryColor, so text stays readable (WCAG AA, 4.5:1)
// whatever colour the site picks: the text colour on it and a darker shade for hovers and
// gradients (loader), and a shade of it dark enough to be text on white (panel).

export type Rgb = [number, number, number];

export const HEX_COLOR = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** '#abc' | '#aabbcc' → [r, g, b] (0–255), or null. */
export function parseHex(value: string): Rgb | null {
  const m = HEX_COLOR.exec(value.trim());
  if (!m) return null;
  const h = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
}

/** Also 'rgb(1, 2, 3)', as a computed style may give it. */
export function parseColor(value: string): Rgb | null {
  const m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(value.trim());
  return m ? ([+m[1], +m[2], +m[3]].map((c) => Math.min(255, c)) as Rgb) : parseHex(value);
}

export const hex = (c: Rgb) => '#' + c.map((x) => Math.round(x).toString(16).padStart(2, '0')).join('');

/** Relative luminance, WCAG 2.x. */
export function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

export const darken = (c: Rgb, t: number) => c.map((x) => Math.round(x * (1 - t))) as Rgb;
const WHITE: Rgb = [255, 255, 255];

/**
 * The text colour on `p`: white when it reaches AA on it, else black (which then reads at
 * 4.66:1 or more). White's contrast is (1 + 0.05) / (L + 0.05): written out here, it keeps
 * `contrast` out of the loader.
 */
export const onColor = (p: Rgb) => ((luminance(p) + 0.05) * 4.5 <= 1.05 ? '#fff' : '#000');

/** `p` darkened until it reads as text on a white background. */
export function asText(p: Rgb): string {
  let text = p;
  for (let t = 0.1; contrast(text, WHITE) < 4.5 && t <= 1; t += 0.1) text = darken(p, t);
  return hex(text);
}
