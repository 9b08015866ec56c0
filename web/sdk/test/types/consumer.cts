// The same package from a CommonJS TypeScript project.
import sdk = require('@linktor/sdk');

export const client = new sdk.Linktor({ apiKey: 'lk_x', baseUrl: 'http://127.0.0.1:8080' });
export const send = (to: string): Promise<sdk.Message> => client.messages.send({ channelId: 'ch_1', to, content: { type: 'text', text: 'hi' } });
