// Checking `linktor('init', …)` options. A bad value is reported on the console with the
// option's name and what is expected, then dropped, so the default applies and the widget
// keeps working. The loader checks every option's type and what it uses itself (colour,
// proactive rules…); the panel checks inside the objects only it uses (validateDetails), so
// those checks cost the host page nothing until the chat is opened. The options' types are
// @linktor/shared's (web/shared/options.ts), which the framework packages take as props too.

import type { LinktorInitOptions } from '@linktor/shared/options';
import { HEX_COLOR } from './color';

type Report = (message: string) => void;

/**
 * What a value must be. A letter: s non-empty string, b boolean, f function, n number ≥ 0,
 * p percentage, c hex colour, l language code, S object of strings, A array of strings,
 * - anything (checked later, by the panel). A list of strings: one of them. An object: an
 * object with those keys, or with `$`: an array of such items. A function: a custom check.
 */
type Spec = string | string[] | { [key: string]: Spec } | ((v: any, report: Report, path: string) => string);

const WHAT: Record<string, string> = {
  s: 'a string',
  b: 'true or false',
  f: 'a function',
  n: 'a number ≥ 0',
  p: 'a number 0–100',
  c: "a color like '#0066FF'",
  l: "a language like 'pt-BR'",
  S: 'strings',
  A: 'strings',
};

export const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown) => (typeof v === 'function' ? 'a function' : String(JSON.stringify(v)));

/** Returns what was expected when `v` does not fit `spec`, else ''. Wrong parts inside are reported and removed. */
function check(spec: Spec, v: any, report: Report, path: string): string {
  if (typeof spec === 'function') return spec(v, report, path);
  if (Array.isArray(spec)) return spec.includes(v) ? '' : spec.map((x) => `'${x}'`).join(' or ');
  if (typeof spec === 'object') {
    const item = spec.$;
    if (item) {
      if (!Array.isArray(v)) return 'an array';
      const kept = v.filter((x, i) => keep(item, x, report, `${path}[${i}]`));
      v.splice(0, v.length, ...kept);
      return '';
    }
    if (!isObj(v)) return 'an object';
    for (const k of Object.keys(v)) {
      const where = `${path}.${k}`;
      if (!spec[k]) {
        report(`${where}: unknown option (known: ${Object.keys(spec).join(', ')}); ignored`);
        delete v[k];
      } else if (!keep(spec[k], v[k], report, where)) delete v[k];
    }
    return '';
  }
  const str = typeof v === 'string';
  const ok = {
    s: str && v !== '',
    b: typeof v === 'boolean',
    f: typeof v === 'function',
    n: typeof v === 'number' && v >= 0,
    p: typeof v === 'number' && v >= 0 && v <= 100,
    c: str && HEX_COLOR.test(v),
    l: str && /^[a-z]{2,3}([-_][a-z0-9]+)*$/i.test(v),
    S: isObj(v) && Object.values(v).every((x) => typeof x === 'string'),
    A: Array.isArray(v) && v.every((x) => typeof x === 'string'),
    '-': true,
  }[spec];
  return ok ? '' : WHAT[spec];
}

function keep(spec: Spec, v: unknown, report: Report, path: string): boolean {
  const expected = check(spec, v, report, path);
  if (expected) report(`${path}: expected ${expected}, got ${show(v)}; ignored`);
  return !expected;
}

/** A proactive rule needs its trigger's own field: `page` for pageview, `percentage` for scroll. */
const rule: Spec = (v, report, path) =>
  !isObj(v) || !['time', 'pageview', 'scroll', 'exit_intent'].includes(v.trigger) || !v.message || (v.trigger === 'pageview' && !v.page) || (v.trigger === 'scroll' && v.percentage === undefined)
    ? 'a rule { trigger, message, page (pageview), percentage (scroll) }'
    : check({ trigger: '-', message: 's', delay: 'n', page: 's', percentage: 'p', onlyOnce: 'b' }, v, report, path);

/**
 * Checks `raw` (on a copy: the page's object is never changed) and returns the valid options,
 * or null when there is no usable `channelId`, the one option without a default.
 */
export function validateOptions(raw: unknown, report: Report): LinktorInitOptions | null {
  const o = deepCopy(raw);
  const expected = check(
    {
      channelId: 's',
      primaryColor: 'c',
      position: ['bottom-right', 'bottom-left'],
      size: ['compact', 'standard', 'large'],
      zIndex: 'n',
      language: 'l',
      translations: 'S',
      autoOpen: 'b',
      openDelay: 'n',
      showLauncher: 'b',
      onReady: 'f',
      onOpen: 'f',
      onClose: 'f',
      proactiveMessages: { $: rule },
      persistSession: 'b',
      privacy: { cookieConsent: 'b', dataRetention: 'n', anonymizeIP: 'b' },
      // Used by the panel only, and checked there (validateDetails).
      soundEnabled: '-',
      preChatForm: '-',
      user: '-',
      userHash: '-',
      onMessage: '-',
      fileUpload: '-',
      sessionDuration: '-',
      offline: '-',
    },
    o,
    report,
    'init',
  );
  if (expected || typeof o.channelId !== 'string') {
    report(`init: channelId is required, such as { channelId: 'ch_webchat_123' }`);
    return null;
  }
  return o;
}

const field: Spec = (v, report, path) =>
  !isObj(v) || typeof v.name !== 'string' || typeof v.label !== 'string'
    ? 'a field { name, label, type?, required? }'
    : check({ name: 's', label: 's', type: ['text', 'email', 'tel', 'textarea'], required: 'b' }, v, report, path);

const USER: Spec = { id: 's', name: 's', email: 's', avatar: 's', metadata: (v) => (isObj(v) ? '' : 'an object') };

/** Checks a user of `updateUser`, in place. */
export const checkUser = (user: object, report: Report) => check(USER, user, report, 'updateUser');

/** The panel's part: inside the options only the chat panel uses. Changes `o` in place. */
export function validateDetails(o: LinktorInitOptions, report: Report) {
  const specs: Record<string, Spec> = {
    soundEnabled: 'b',
    userHash: 's',
    onMessage: 'f',
    sessionDuration: 'n',
    preChatForm: { enabled: 'b', fields: { $: field } },
    user: USER,
    fileUpload: { enabled: 'b', maxSize: 'n', allowedTypes: 'A', multiple: 'b' },
    offline: { enabled: 'b', message: 's', form: { fields: { $: field }, submitButton: 's' } },
  };
  const opts = o as Record<string, any>;
  for (const k in specs) if (k in opts && !keep(specs[k], opts[k], report, `init.${k}`)) delete opts[k];
}

function deepCopy(v: any): any {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isObj(v) && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, any> = {};
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k]);
    return out;
  }
  return v;
}
