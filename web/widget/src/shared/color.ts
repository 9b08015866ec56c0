// Colours derived from the site's primaryColor, so text stays readable (WCAG AA, 4.5:1)
// whatever colour the site picks: the text colour on it, a darker shade for hovers and
// gradients, and a shade of it dark enough to be used as text on white.

type Rgb = [number, number, number];

/** '#abc' | '#aabbcc' | 'rgb(1, 2, 3)' → [r, g, b] (0–255), or null. */
export function parseColor(value: string): Rgb | null {
  const v = value.trim();
  let m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(v);
  if (m) {
    const h = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
  }
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(v);
  return m ? ([+m[1], +m[2], +m[3]].map((c) => Math.min(255, c)) as Rgb) : null;
}

const hex = (c: Rgb) => '#' + c.map((x) => Math.round(x).toString(16).padStart(2, '0')).join('');

/** Relative luminance, WCAG 2.x. */
export function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const mix = (c: Rgb, t: number): Rgb => c.map((x) => x * (1 - t)) as Rgb;
const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [17, 17, 17];

/** The colours the stylesheet needs for one primary colour. */
export function palette(primary: string) {
  const p = parseColor(primary) ?? [0, 102, 255];
  // White text when it reaches AA on the primary, else near-black (which then always does).
  const onPrimary = contrast(p, WHITE) >= 4.5 ? WHITE : INK;
  // Darken the primary until it reads as text on a white background.
  let text = p;
  for (let t = 0.1; contrast(text, WHITE) < 4.5 && t <= 1; t += 0.1) text = mix(p, t);
  return { primary: hex(p), dark: hex(mix(p, 0.2)), onPrimary: hex(onPrimary), asText: hex(text) };
}
