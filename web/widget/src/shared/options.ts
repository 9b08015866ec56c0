// `linktor('init', …)` options: checking what the page passed, and merging it over the
// channel's dashboard settings. A bad value is reported on the console with the option's
// name and what is expected, then dropped, so the default applies and the widget still works.

import type { ChannelConfig, FileUploadPolicy, FormField, ProactiveRule, UserInfo } from '../protocol';

export interface InitOptions {
  channelId: string;
  primaryColor?: string;
  position?: 'bottom-right' | 'bottom-left';
  size?: 'compact' | 'standard' | 'large';
  zIndex?: number;
  language?: string;
  translations?: Record<string, string>;
  autoOpen?: boolean;
  openDelay?: number;
  soundEnabled?: boolean;
  showLauncher?: boolean;
  preChatForm?: { enabled?: boolean; fields?: FormField[] };
  user?: UserInfo;
  userHash?: string;
  onReady?: () => void;
  onOpen?: () => void;
  onClose?: () => void;
  onMessage?: (message: unknown) => void;
  proactiveMessages?: ProactiveRule[];
  fileUpload?: FileUploadPolicy;
  persistSession?: boolean;
  sessionDuration?: number;
  offline?: { enabled?: boolean; message?: string; form?: { fields?: FormField[]; submitButton?: string } };
  privacy?: { cookieConsent?: boolean; dataRetention?: number; anonymizeIP?: boolean };
}

/** Everything the widget runs on: init options over channel settings over built-in defaults. */
export interface Settings {
  channelId: string;
  channelName: string;
  primaryColor: string;
  position: 'bottom-right' | 'bottom-left';
  size: 'compact' | 'standard' | 'large';
  zIndex: number;
  language: string;
  translations: Record<string, string>;
  autoOpen: boolean;
  openDelay: number;
  soundEnabled: boolean;
  showLauncher: boolean;
  emojis: boolean;
  preChatForm: { enabled: boolean; fields: FormField[] };
  user: UserInfo | undefined;
  userHash: string | undefined;
  proactiveMessages: ProactiveRule[];
  fileUpload: Required<FileUploadPolicy>;
  persistSession: boolean;
  sessionDuration: number;
  offline: { enabled: boolean; message: string | undefined; fields: FormField[]; submitButton: string | undefined };
  privacy: { cookieConsent: boolean; dataRetention: number | undefined; anonymizeIP: boolean };
  launcherIcon: string | undefined;
  logoUrl: string | undefined;
  companyName: string | undefined;
  welcomeMessage: string | undefined;
  agentsOnline: boolean;
}

type Report = (message: string) => void;
/** Returns what is expected when `v` is wrong, else ''. */
type Check = (v: any, report: Report, path: string) => string;

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str: Check = (v) => (typeof v === 'string' && v !== '' ? '' : 'a non-empty string');
const bool: Check = (v) => (typeof v === 'boolean' ? '' : 'true or false');
const fn: Check = (v) => (typeof v === 'function' ? '' : 'a function');
const num = (min: number, max = Infinity): Check => (v) =>
  typeof v === 'number' && v >= min && v <= max && !Number.isNaN(v) ? '' : `a number from ${min}${max < Infinity ? ' to ' + max : ''}`;
const oneOf = (...values: string[]): Check => (v) => (values.includes(v) ? '' : values.map((x) => `'${x}'`).join(' or '));
export const HEX_COLOR = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;
const color: Check = (v) => (typeof v === 'string' && HEX_COLOR.test(v) ? '' : "a hex color such as '#0066FF'");

/** An object whose keys are each checked; unknown keys are reported and dropped. */
const shape = (keys: Record<string, Check>, required: string[] = []): Check => (v, report, path) => {
  if (!isObj(v)) return 'an object';
  for (const k of required) if (!(k in v)) report(`"${path}.${k}" is required`);
  for (const k of Object.keys(v)) {
    const check = keys[k];
    if (!check) {
      report(`unknown option "${path}.${k}" (expected one of ${Object.keys(keys).join(', ')})`);
      delete v[k];
    } else {
      const expected = check(v[k], report, `${path}.${k}`);
      if (expected) {
        report(`"${path}.${k}" must be ${expected} (got ${show(v[k])}); using the default`);
        delete v[k];
      }
    }
  }
  return '';
};

/** An array whose wrong items are reported and dropped. */
const list = (item: Check): Check => (v, report, path) => {
  if (!Array.isArray(v)) return 'an array';
  const kept = v.filter((x, i) => {
    const expected = item(x, report, `${path}[${i}]`);
    if (expected) report(`"${path}[${i}]" must be ${expected} (got ${show(x)}); ignored`);
    return !expected;
  });
  v.splice(0, v.length, ...kept);
  return '';
};

const strings: Check = (v) => (isObj(v) && Object.values(v).every((s) => typeof s === 'string') ? '' : 'an object of strings');

const field = shape(
  { name: str, label: str, type: oneOf('text', 'email', 'tel', 'number', 'textarea'), required: bool },
  ['name', 'label'],
);
const fieldsOk: Check = (v, report, path) => {
  if (!isObj(v)) return 'an object';
  if (typeof v.name !== 'string' || typeof v.label !== 'string') return 'a field { name, label, type, required }';
  return field(v, report, path);
};

const rule: Check = (v, report, path) => {
  if (!isObj(v)) return 'an object';
  const expected = oneOf('time', 'pageview', 'scroll', 'exit_intent')(v.trigger, report, path);
  if (expected) return `a rule whose trigger is ${expected}`;
  if (typeof v.message !== 'string' || !v.message) return 'a rule with a "message" string';
  shape({ trigger: str, message: str, delay: num(0), page: str, percentage: num(0, 100), onlyOnce: bool })(v, report, path);
  if (v.trigger === 'pageview' && !v.page) return "a 'pageview' rule with a \"page\" path such as '/pricing'";
  if (v.trigger === 'scroll' && v.percentage === undefined) return "a 'scroll' rule with a \"percentage\" from 0 to 100";
  return '';
};

const OPTIONS: Record<string, Check> = {
  channelId: str,
  primaryColor: color,
  position: oneOf('bottom-right', 'bottom-left'),
  size: oneOf('compact', 'standard', 'large'),
  zIndex: num(0, 2147483647),
  language: (v) => (typeof v === 'string' && /^[a-z]{2,3}([-_][a-z0-9]+)*$/i.test(v) ? '' : "a language code such as 'en' or 'pt-BR'"),
  translations: strings,
  autoOpen: bool,
  openDelay: num(0),
  soundEnabled: bool,
  showLauncher: bool,
  preChatForm: shape({ enabled: bool, fields: list(fieldsOk) }),
  user: shape({ id: str, name: str, email: str, avatar: str, metadata: (v) => (isObj(v) ? '' : 'an object') }),
  userHash: str,
  onReady: fn,
  onOpen: fn,
  onClose: fn,
  onMessage: fn,
  proactiveMessages: list(rule),
  fileUpload: shape({ enabled: bool, maxSize: num(1), allowedTypes: (v) => (Array.isArray(v) && v.every((t) => typeof t === 'string') ? '' : "an array of types such as ['image/*', '.pdf']"), multiple: bool }),
  persistSession: bool,
  sessionDuration: num(1),
  offline: shape({ enabled: bool, message: str, form: shape({ fields: list(fieldsOk), submitButton: str }) }),
  privacy: shape({ cookieConsent: bool, dataRetention: num(1), anonymizeIP: bool }),
};

function show(v: unknown): string {
  try {
    return typeof v === 'function' ? 'a function' : JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Checks `raw` (a copy is made: the page's object is never changed) and returns the valid
 * options, or null when there is no usable `channelId`, the one option without a default.
 */
export function validateOptions(raw: unknown, report: Report): InitOptions | null {
  if (!isObj(raw)) {
    report(`init expects an options object such as { channelId: 'ch_…' } (got ${show(raw)})`);
    return null;
  }
  const copy = deepCopy(raw);
  shape(OPTIONS)(copy, report, 'init');
  // shape reports with an "init." prefix; the option's own name reads better.
  if (typeof copy.channelId !== 'string') {
    if (!('channelId' in raw)) report('"channelId" is required: the id of your WebChat channel, such as \'ch_webchat_123\'');
    return null;
  }
  return copy as InitOptions;
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

export const DEFAULT_SESSION_DURATION = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_OFFLINE_FIELDS: FormField[] = [
  { name: 'email', label: 'Email', type: 'email', required: true },
  { name: 'message', label: 'Message', type: 'textarea', required: true },
];

const pick = <T>(...values: (T | null | undefined)[]): T | undefined => values.find((v) => v !== undefined && v !== null) as T | undefined;

/** Merges init options over the channel's settings (`config` is null when it could not be fetched). */
export function resolveSettings(o: InitOptions, config: ChannelConfig | null, browserLanguage: string): Settings {
  const a = config?.appearance ?? {};
  const b = config?.behavior ?? {};
  const off = config?.offline ?? {};
  const upload = { ...(b.fileUpload ?? {}), ...(o.fileUpload ?? {}) };
  const configColor = a.primaryColor && HEX_COLOR.test(a.primaryColor) ? a.primaryColor : undefined;
  return {
    channelId: o.channelId,
    channelName: config?.name ?? '',
    primaryColor: pick(o.primaryColor, configColor) ?? '#0066FF',
    position: pick(o.position, a.position) ?? 'bottom-right',
    size: pick(o.size, a.size) ?? 'standard',
    zIndex: pick(o.zIndex) ?? 2147483000,
    language: (pick(o.language, config?.defaultLanguage, browserLanguage) ?? 'en').toLowerCase(),
    translations: o.translations ?? {},
    autoOpen: pick(o.autoOpen) ?? false,
    openDelay: pick(o.openDelay) ?? 0,
    soundEnabled: pick(o.soundEnabled, b.soundEnabled) ?? true,
    showLauncher: pick(o.showLauncher) ?? true,
    emojis: pick(b.emojis) ?? true,
    preChatForm: {
      enabled: pick(o.preChatForm?.enabled, b.preChatForm?.enabled) ?? false,
      fields: pick(o.preChatForm?.fields, b.preChatForm?.fields) ?? [],
    },
    user: o.user,
    userHash: o.userHash,
    proactiveMessages: pick(o.proactiveMessages, b.proactiveMessages) ?? [],
    fileUpload: {
      enabled: upload.enabled ?? true,
      maxSize: upload.maxSize ?? 10 * 1024 * 1024,
      allowedTypes: upload.allowedTypes ?? [],
      multiple: upload.multiple ?? true,
    },
    persistSession: pick(o.persistSession) ?? true,
    sessionDuration: pick(o.sessionDuration) ?? DEFAULT_SESSION_DURATION,
    offline: {
      enabled: pick(o.offline?.enabled, off.enabled) ?? false,
      message: pick(o.offline?.message, off.message ?? undefined),
      fields: pick(o.offline?.form?.fields, off.form?.fields) ?? DEFAULT_OFFLINE_FIELDS,
      submitButton: pick(o.offline?.form?.submitButton, off.form?.submitButton),
    },
    privacy: {
      cookieConsent: pick(o.privacy?.cookieConsent, config?.privacy?.cookieConsent) ?? false,
      dataRetention: pick(o.privacy?.dataRetention, config?.privacy?.dataRetention ?? undefined),
      anonymizeIP: pick(o.privacy?.anonymizeIP, config?.privacy?.anonymizeIP) ?? false,
    },
    launcherIcon: a.launcherIcon ?? undefined,
    logoUrl: a.logoUrl ?? undefined,
    companyName: pick(a.companyName, config?.name),
    welcomeMessage: pick(o.translations?.welcomeMessage, a.welcomeMessage),
    agentsOnline: config?.agentsOnline ?? true,
  };
}
