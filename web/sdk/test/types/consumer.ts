// What a TypeScript user of the published package sees (ESM, NodeNext resolution): the wire
// types come with it and narrow as they should.
import { Linktor, LinktorError, type WebhookEvent, type Content } from '@linktor/sdk';

export async function handle(raw: string, header: string): Promise<string> {
  const event: WebhookEvent = await Linktor.webhooks.constructEvent(raw, header, 'whsec');
  switch (event.event) {
    case 'message.received':
      return event.data.content.type === 'text' ? event.data.content.text : event.data.content.type;
    case 'webchat.button.clicked':
      return event.data.buttonId;
    default:
      return event.event;
  }
}

export const content: Content = { type: 'image', image: { url: 'https://example.com/a.png', name: 'a.png', size: 1 } };
export const isApiError = (e: unknown) => e instanceof LinktorError && e.status === 404 && e.code === 'not_found';
