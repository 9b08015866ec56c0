// The REST API by resource, one class each, as the API reference groups it. Every method
// takes optional RequestOptions last (timeout, maxRetries, signal) and returns the server's
// JSON typed with the generated wire types.

import { newIdempotencyKey, request, type ClientConfig, type RequestOptions } from './http.js';
import * as signatures from './webhooks.js';
import type {
  Channel,
  Conversation,
  ConversationStatus,
  CreateChannelRequest,
  CreateWebhookRequest,
  CreatedWebhookEndpoint,
  Message,
  Page,
  SendMessageRequest,
  TypingRequest,
  UpdateChannelRequest,
  Visitor,
  WebhookDelivery,
  WebhookEndpoint,
} from './protocol/index.js';

const id = (s: string) => encodeURIComponent(s);

export class Messages {
  constructor(private readonly config: ClientConfig) {}
  /** Sends a message to a visitor (text, interactive, card, image or file); returns it as stored. */
  send(message: SendMessageRequest, options?: RequestOptions): Promise<Message> {
    // One key for the call and its retries: a retry after a timeout is stored once.
    const idempotencyKey = options?.idempotencyKey ?? newIdempotencyKey();
    return request(this.config, { method: 'POST', path: '/v1/messages', body: message, idempotencyKey }, options);
  }
}

export class Typing {
  constructor(private readonly config: ClientConfig) {}
  /** Shows the business side typing in the visitor's chat. */
  start(req: TypingRequest, options?: RequestOptions): Promise<void> {
    return request(this.config, { method: 'POST', path: '/v1/webchat/typing/start', body: req, idempotent: true }, options);
  }
  /** Hides the typing indicator. */
  stop(req: TypingRequest, options?: RequestOptions): Promise<void> {
    return request(this.config, { method: 'POST', path: '/v1/webchat/typing/stop', body: req, idempotent: true }, options);
  }
}

export class WebChat {
  readonly typing: Typing;
  constructor(config: ClientConfig) {
    this.typing = new Typing(config);
  }
}

export interface ListConversationsParams {
  status?: ConversationStatus;
  channelId?: string;
  visitorId?: string;
  /** Search in message text. */
  q?: string;
  limit?: number;
  cursor?: string;
}

export class Conversations {
  constructor(private readonly config: ClientConfig) {}
  /** One page, most recent activity first; pass `nextCursor` as `cursor` for the next. */
  list(params: ListConversationsParams = {}, options?: RequestOptions): Promise<Page<Conversation>> {
    return request(this.config, { method: 'GET', path: '/v1/conversations', query: { ...params } }, options);
  }
  /** Every conversation matching `params`, page after page. */
  async *listAll(params: Omit<ListConversationsParams, 'cursor'> = {}, options?: RequestOptions): AsyncGenerator<Conversation> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...params, cursor }, options);
      yield* page.data;
      cursor = page.nextCursor;
    } while (cursor);
  }
  get(conversationId: string, options?: RequestOptions): Promise<Conversation> {
    return request(this.config, { method: 'GET', path: `/v1/conversations/${id(conversationId)}` }, options);
  }
  /** Messages oldest first; `after` is a seq (messages with a higher one). */
  messages(conversationId: string, params: { after?: number; limit?: number } = {}, options?: RequestOptions): Promise<Page<Message>> {
    return request(this.config, { method: 'GET', path: `/v1/conversations/${id(conversationId)}/messages`, query: { ...params } }, options);
  }
  resolve(conversationId: string, options?: RequestOptions): Promise<Conversation> {
    return request(this.config, { method: 'POST', path: `/v1/conversations/${id(conversationId)}/resolve`, idempotent: true }, options);
  }
  reopen(conversationId: string, options?: RequestOptions): Promise<Conversation> {
    return request(this.config, { method: 'POST', path: `/v1/conversations/${id(conversationId)}/reopen`, idempotent: true }, options);
  }
}

export class Visitors {
  constructor(private readonly config: ClientConfig) {}
  list(params: { limit?: number; cursor?: string } = {}, options?: RequestOptions): Promise<Page<Visitor>> {
    return request(this.config, { method: 'GET', path: '/v1/visitors', query: { ...params } }, options);
  }
  get(visitorId: string, options?: RequestOptions): Promise<Visitor> {
    return request(this.config, { method: 'GET', path: `/v1/visitors/${id(visitorId)}` }, options);
  }
}

export class Channels {
  constructor(private readonly config: ClientConfig) {}
  list(options?: RequestOptions): Promise<Channel[]> {
    return request(this.config, { method: 'GET', path: '/v1/channels' }, options);
  }
  create(channel: CreateChannelRequest, options?: RequestOptions): Promise<Channel> {
    return request(this.config, { method: 'POST', path: '/v1/channels', body: channel, idempotent: false }, options);
  }
  get(channelId: string, options?: RequestOptions): Promise<Channel> {
    return request(this.config, { method: 'GET', path: `/v1/channels/${id(channelId)}` }, options);
  }
  update(channelId: string, changes: UpdateChannelRequest, options?: RequestOptions): Promise<Channel> {
    return request(this.config, { method: 'PATCH', path: `/v1/channels/${id(channelId)}`, body: changes }, options);
  }
  delete(channelId: string, options?: RequestOptions): Promise<void> {
    return request(this.config, { method: 'DELETE', path: `/v1/channels/${id(channelId)}` }, options);
  }
}

/** `events` may be left out: every event. */
export type CreateWebhookParams = Omit<CreateWebhookRequest, 'events'> & { events?: CreateWebhookRequest['events'] };

export class Webhooks {
  constructor(private readonly config: ClientConfig) {}
  list(options?: RequestOptions): Promise<WebhookEndpoint[]> {
    return request(this.config, { method: 'GET', path: '/v1/webhooks' }, options);
  }
  /** Creates an endpoint; the answer carries its signing `secret`, shown this once. */
  create(endpoint: CreateWebhookParams, options?: RequestOptions): Promise<CreatedWebhookEndpoint> {
    return request(this.config, { method: 'POST', path: '/v1/webhooks', body: { events: [], ...endpoint }, idempotent: false }, options);
  }
  delete(webhookId: string, options?: RequestOptions): Promise<void> {
    return request(this.config, { method: 'DELETE', path: `/v1/webhooks/${id(webhookId)}` }, options);
  }
  /** The endpoint's delivery log, most recent first. */
  deliveries(webhookId: string, params: { limit?: number } = {}, options?: RequestOptions): Promise<WebhookDelivery[]> {
    return request(this.config, { method: 'GET', path: `/v1/webhooks/${id(webhookId)}/deliveries`, query: { ...params } }, options);
  }
  /** Queues a delivery again. */
  resend(deliveryId: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return request(this.config, { method: 'POST', path: `/v1/webhooks/deliveries/${id(deliveryId)}/resend`, idempotent: false }, options);
  }
  /** Same as Linktor.webhooks.verify. */
  verify = signatures.verify;
  /** Same as Linktor.webhooks.constructEvent. */
  constructEvent = signatures.constructEvent;
}
