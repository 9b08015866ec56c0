// A visitor's browser and system in words ("Chrome 131 on macOS") from the User-Agent header,
// for the side panel. A few ordered rules, no dependency: the browsers that share Chrome's
// engine say so too, so the specific ones (Edge, Samsung Internet, Opera) are tried first.

const BROWSERS: [name: string, re: RegExp][] = [
  ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+)/],
  ['Opera', /\b(?:OPR|OPT)\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /\b(?:HeadlessChrome|Chrome|CriOS)\/(\d+)/],
  // Safari's own version is in Version/…; other iOS browsers were matched above.
  ['Safari', /\bVersion\/(\d+)(?:\.\d+)*(?: Mobile\/\S+)? Safari\//],
];

const SYSTEMS: [name: string, re: RegExp][] = [
  ['iOS', /\b(?:iPhone|iPad|iPod)\b/],
  ['Android', /\bAndroid\b/],
  ['ChromeOS', /\bCrOS\b/],
  ['Windows', /\bWindows\b/],
  ['macOS', /\bMac OS X\b|\bMacintosh\b/],
  ['Linux', /\bLinux\b/],
];

/** "Chrome 131 on macOS", "Safari 17 on iOS"; what is known of it, or "" when nothing is. */
export function browserAndOs(ua: string | undefined | null): string {
  if (!ua) return '';
  let browser = '';
  for (const [name, re] of BROWSERS) {
    const m = re.exec(ua);
    if (m) {
      browser = `${name} ${m[1]}`;
      break;
    }
  }
  const os = SYSTEMS.find(([, re]) => re.test(ua))?.[0] ?? '';
  return browser && os ? `${browser} on ${os}` : browser || os;
}
