// Every option of `linktor('init', …)`, typed once: the widget checks what a page passes against
// these (widget/src/shared/options.ts), and the React, Vue and Angular packages take them as
// props and inputs. Types only: nothing here reaches a bundle.

import type { Message, VisitorUser } from '../protocol/index.js';

/** `user` of `init` and `updateUser`: a logged-in visitor. */
export type LinktorUser = VisitorUser;

/** A form field as `init` takes it (preChatForm.fields, offline.form.fields). */
export interface FormFieldOption {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'tel' | 'textarea';
  required?: boolean;
}

/** A proactive message rule as `init` takes it. */
export interface ProactiveMessageOption {
  trigger: 'time' | 'pageview' | 'scroll' | 'exit_intent';
  message: string;
  delay?: number;
  page?: string;
  percentage?: number;
  onlyOnce?: boolean;
}

export interface FileUploadOption {
  enabled?: boolean;
  maxSize?: number;
  allowedTypes?: string[];
  multiple?: boolean;
}

/** Every option of `linktor('init', …)` but the callbacks (see the spec's Advanced Configuration). */
export interface LinktorSettings {
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
  preChatForm?: { enabled?: boolean; fields?: FormFieldOption[] };
  user?: LinktorUser;
  /** HMAC-SHA256 of user.id with the channel's secret, computed by your backend. */
  userHash?: string;
  proactiveMessages?: ProactiveMessageOption[];
  fileUpload?: FileUploadOption;
  persistSession?: boolean;
  sessionDuration?: number;
  offline?: { enabled?: boolean; message?: string; form?: { fields?: FormFieldOption[]; submitButton?: string } };
  privacy?: { cookieConsent?: boolean; dataRetention?: number; anonymizeIP?: boolean };
}

export interface LinktorCallbacks {
  onReady?: () => void;
  onOpen?: () => void;
  onClose?: () => void;
  /** A message stored in the conversation: the visitor's, an agent's or one sent through the API. */
  onMessage?: (message: Message) => void;
}

export type LinktorInitOptions = LinktorSettings & LinktorCallbacks;

/** The commands of `linktor(…)` besides `init`. */
export type LinktorCommand = 'open' | 'close' | 'toggle' | 'sendMessage' | 'updateUser' | 'showProactiveMessage' | 'hideLauncher' | 'showLauncher' | 'destroy' | 'reset';
