// @linktor/sdk: the Linktor WebChat REST API for a customer's backend, typed with the wire
// types generated from the server's Rust types (./protocol, copied from web/protocol at build).
// Runs wherever `fetch` and Web Crypto exist: Node 18+, Deno, Bun, edge runtimes.

import type { ClientConfig } from './http.js';
import { Channels, Conversations, Messages, Visitors, WebChat, Webhooks } from './resources.js';
import { constructEvent, verify } from './webhooks.js';

export interface LinktorOptions {
  /** An API key (`lk_…`), from the dashboard or `linktor api-key create`. */
  apiKey: string;
  /** Your Linktor server, e.g. `https://chat.example.com`. Default: the cloud, https://api.linktor.io. */
  baseUrl?: string;
  /** Milliseconds before a request attempt is aborted. Default 30000. */
  timeout?: number;
  /** Retries on 429, 5xx and network errors (see README). Default 2. */
  maxRetries?: number;
  /** A fetch implementation; default the global one. */
  fetch?: typeof fetch;
}

export const DEFAULT_BASE_URL = 'https://api.linktor.io';

export class Linktor {
  /** Webhook signature checks, usable without a client: `await Linktor.webhooks.verify(rawBody, header, secret)`. */
  static readonly webhooks = { verify, constructEvent };

  readonly messages: Messages;
  readonly webchat: WebChat;
  readonly conversations: Conversations;
  readonly visitors: Visitors;
  readonly channels: Channels;
  readonly webhooks: Webhooks;

  constructor(options: LinktorOptions) {
    if (!options?.apiKey) throw new TypeError('new Linktor({ apiKey }): apiKey is required');
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== 'function') throw new TypeError('new Linktor(): no global fetch (Node 18+ has one); pass options.fetch');
    const config: ClientConfig = {
      apiKey: options.apiKey,
      baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
      timeout: options.timeout ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      fetch: (input, init) => f(input, init),
    };
    this.messages = new Messages(config);
    this.webchat = new WebChat(config);
    this.conversations = new Conversations(config);
    this.visitors = new Visitors(config);
    this.channels = new Channels(config);
    this.webhooks = new Webhooks(config);
  }
}

export { AuthenticationError, ConnectionError, LinktorError, NotFoundError, RateLimitError, ValidationError, type RequestOptions } from './http.js';
export { WEBHOOK_HEADERS, WebhookSignatureError, constructEvent, verify, type RawBody, type VerifyOptions } from './webhooks.js';
export type { ListConversationsParams, CreateWebhookParams } from './resources.js';
export type * from './protocol/index.js';
