import { Linktor } from '@linktor/sdk'

const client = new Linktor({ apiKey: 'YOUR_API_KEY' })

// Show typing indicator
await client.webchat.typing.start({
  channelId: 'ch_webchat_123',
  conversationId: 'conv_abc123'
});

// Stop typing indicator
await client.webchat.typing.stop({
  channelId: 'ch_webchat_123',
  conversationId: 'conv_abc123'
});
