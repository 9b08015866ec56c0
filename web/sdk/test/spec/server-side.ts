import { Linktor } from '@linktor/sdk'

const client = new Linktor({ apiKey: 'YOUR_API_KEY' })

// Send message to a visitor
await client.messages.send({
  channelId: 'ch_webchat_123',
  to: 'visitor_abc123', // Visitor ID from session
  content: {
    type: 'text',
    text: 'Thanks for your patience! Here is the information you requested.'
  }
})

// Send rich message with buttons
await client.messages.send({
  channelId: 'ch_webchat_123',
  to: 'visitor_abc123',
  content: {
    type: 'interactive',
    interactive: {
      type: 'buttons',
      body: {
        text: 'How would you rate your experience?'
      },
      buttons: [
        { id: 'rating_great', label: 'Great!' },
        { id: 'rating_good', label: 'Good' },
        { id: 'rating_poor', label: 'Could be better' }
      ]
    }
  }
})

// Send a card with image
await client.messages.send({
  channelId: 'ch_webchat_123',
  to: 'visitor_abc123',
  content: {
    type: 'card',
    card: {
      title: 'iPhone 15 Pro',
      subtitle: '$999 - Free shipping',
      imageUrl: 'https://example.com/iphone.jpg',
      buttons: [
        { id: 'view', label: 'View Details', url: 'https://example.com/products/iphone-15' },
        { id: 'buy', label: 'Add to Cart' }
      ]
    }
  }
})
