// The visitor protocol's types, generated from the Rust types (crates/linktor-core, ts-rs) into
// web/protocol/: the one place the widget takes wire types from. Sizes and delays that are u64
// in Rust come out as `bigint`; on the wire they are JSON numbers, so the widget reads them
// with Number().

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
  VisitorUser as UserInfo,
  WidgetConfig as ChannelConfig,
} from '../../protocol';

/** `POST /v1/widget/uploads` → 201 (docs/protocol.md §4; not among the generated types yet). */
export interface UploadedFile {
  id: string;
  url: string;
  name: string;
  size: number;
  mimeType: string;
}

/** A byte count for a generated `bigint` field: the JSON on the wire carries a plain number. */
export const wireNumber = (n: number) => n as unknown as bigint;
