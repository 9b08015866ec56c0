// The visitor protocol's types (docs/protocol.md), the one place the widget names them.
// When the ts-rs output lands in web/protocol/, this file becomes a re-export of it:
// nothing else in the widget imports wire types from anywhere but here.

export type SenderType = 'visitor' | 'agent' | 'api' | 'system';

export interface Sender {
  type: SenderType;
  id?: string | null;
  name?: string | null;
}

export interface Button {
  id: string;
  label: string;
  url?: string | null;
}

export type Content =
  | { type: 'text'; text: string }
  | { type: 'image'; image: { url: string; caption?: string | null; name?: string | null; size?: number | null } }
  | { type: 'file'; file: { url: string; name: string; size: number; mimeType?: string | null } }
  | { type: 'interactive'; interactive: { type: 'buttons'; body: { text: string }; buttons: Button[] } }
  | { type: 'card'; card: { title: string; subtitle?: string | null; imageUrl?: string | null; buttons?: Button[] | null } };

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  direction: 'inbound' | 'outbound';
  sender: Sender;
  content: Content;
  clientId?: string | null;
  replyTo?: string | null;
  createdAt: string;
}

export interface FormField {
  name: string;
  label: string;
  type: 'text' | 'email' | 'tel' | 'number' | 'textarea';
  required?: boolean;
}

export interface ProactiveRule {
  trigger: 'time' | 'pageview' | 'scroll' | 'exit_intent';
  message: string;
  delay?: number;
  page?: string;
  percentage?: number;
  onlyOnce?: boolean;
}

export interface FileUploadPolicy {
  enabled?: boolean;
  maxSize?: number;
  allowedTypes?: string[];
  multiple?: boolean;
}

/** `GET /v1/widget/channels/{id}/config`: the dashboard's settings, the defaults of `init`. */
export interface ChannelConfig {
  channelId: string;
  name: string;
  defaultLanguage?: string | null;
  appearance?: {
    primaryColor?: string | null;
    position?: 'bottom-right' | 'bottom-left' | null;
    size?: 'compact' | 'standard' | 'large' | null;
    launcherIcon?: string | null;
    logoUrl?: string | null;
    companyName?: string | null;
    welcomeMessage?: string | null;
    offlineMessage?: string | null;
  } | null;
  behavior?: {
    preChatForm?: { enabled?: boolean; fields?: FormField[] } | null;
    fileUpload?: FileUploadPolicy | null;
    emojis?: boolean | null;
    soundEnabled?: boolean | null;
    proactiveMessages?: ProactiveRule[] | null;
  } | null;
  offline?: { enabled?: boolean; message?: string | null; form?: { fields?: FormField[]; submitButton?: string } | null } | null;
  privacy?: { cookieConsent?: boolean; dataRetention?: number | null; anonymizeIP?: boolean } | null;
  identityVerification?: boolean;
  agentsOnline?: boolean;
}

export interface UserInfo {
  id?: string;
  name?: string;
  email?: string;
  avatar?: string;
  metadata?: Record<string, unknown>;
}

export interface SessionRequest {
  channelId: string;
  token?: string;
  user?: UserInfo;
  userHash?: string;
  page?: string;
  referrer?: string;
  language?: string;
  privacy?: { anonymizeIP?: boolean; dataRetention?: number };
}

export interface Conversation {
  id: string;
  status: string;
  lastSeq: number;
}

export interface SessionResponse {
  visitorId: string;
  token: string;
  expiresAt: string;
  conversation: Conversation | null;
  messages: Message[];
  readSeq: number;
  identityVerified: boolean;
  agentsOnline: boolean;
}

export interface UploadedFile {
  id: string;
  url: string;
  name: string;
  size: number;
  mimeType: string;
}

export type ClientFrame =
  | { type: 'resume'; lastSeq: number }
  | { type: 'message.send'; clientId: string; content: Content }
  | { type: 'typing'; state: 'start' | 'stop' }
  | { type: 'read'; seq: number }
  | { type: 'button.click'; messageId: string; buttonId: string; clientId: string }
  | { type: 'form.submit'; form: 'prechat' | 'offline'; fields: Record<string, string>; clientId: string }
  | { type: 'user.update'; user: UserInfo }
  | { type: 'ping' };

export type ServerFrame =
  | { type: 'ready'; visitorId: string; conversationId: string | null; lastSeq: number; readSeq: number; agentsOnline: boolean }
  | { type: 'ack'; clientId: string; message?: Message | null }
  | { type: 'message'; message: Message }
  | { type: 'typing'; state: 'start' | 'stop'; sender?: Sender | null }
  | { type: 'read'; seq: number; reader: 'agent' | 'visitor' }
  | { type: 'delivered'; seq: number }
  | { type: 'availability'; agentsOnline: boolean }
  | { type: 'config'; config: ChannelConfig }
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'error'; code: string; message: string; clientId?: string | null }
  | { type: 'pong' };

/** Every HTTP error body. */
export interface ApiError {
  error: { code: string; message: string };
}
