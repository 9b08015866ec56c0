// The settings the chat panel runs on: init options over the channel's dashboard settings
// over built-in defaults. Resolved in the panel, not the loader: the loader needs only a few
// of them (see loader/index.ts) and every byte it carries is paid by every page view.

import type { FileUploadOption, FormFieldOption, LinktorInitOptions, ProactiveMessageOption } from '@linktor/shared/options';
import type { ChannelConfig, UserInfo } from '../protocol';
import { HEX_COLOR } from './color';

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
  preChatForm: { enabled: boolean; fields: FormFieldOption[] };
  user: UserInfo | undefined;
  userHash: string | undefined;
  proactiveMessages: ProactiveMessageOption[];
  fileUpload: Required<FileUploadOption>;
  persistSession: boolean;
  sessionDuration: number;
  offline: { enabled: boolean; message: string | undefined; fields: FormFieldOption[]; submitButton: string | undefined };
  privacy: { cookieConsent: boolean; dataRetention: number | undefined; anonymizeIP: boolean };
  launcherIcon: string | undefined;
  logoUrl: string | undefined;
  companyName: string | undefined;
  welcomeMessage: string | undefined;
  agentsOnline: boolean;
}

export const DEFAULT_SESSION_DURATION = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_OFFLINE_FIELDS: FormFieldOption[] = [
  { name: 'email', label: 'Email', type: 'email', required: true },
  { name: 'message', label: 'Message', type: 'textarea', required: true },
];

const pick = <T>(...values: (T | null | undefined)[]): T | undefined => values.find((v) => v !== undefined && v !== null) as T | undefined;

/** Merges init options over the channel's settings (`config` is null when it could not be fetched). */
export function resolveSettings(o: LinktorInitOptions, config: ChannelConfig | null, browserLanguage: string): Settings {
  // The channel's settings, as optional as init's: the config may be missing (server unreachable).
  const a: Partial<ChannelConfig['appearance']> = config?.appearance ?? {};
  const b: Partial<ChannelConfig['behavior']> = config?.behavior ?? {};
  const off: Partial<ChannelConfig['offline']> = config?.offline ?? {};
  const cu = b.fileUpload;
  const upload: FileUploadOption = { ...(cu && cu), ...o.fileUpload };
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
    proactiveMessages: pick<ProactiveMessageOption[]>(o.proactiveMessages, b.proactiveMessages as ProactiveMessageOption[] | undefined) ?? [],
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
