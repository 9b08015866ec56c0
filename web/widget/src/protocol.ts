// The visitor protocol's types, generated from the Rust types (crates/linktor-core, ts-rs) into
// web/protocol/: the one place the widget takes wire types from.

export type {
  Button,
  ClientFrame,
  Content,
  FormField,
  Message,
  ProactiveRule,
  Sender,
  ServerFrame,
  SessionRequest,
  SessionResponse,
  UploadedFile,
  VisitorUser as UserInfo,
  WidgetConfig as ChannelConfig,
} from '../../protocol';
