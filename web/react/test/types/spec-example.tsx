// The spec's React Installation example, as a TypeScript user compiles it against the
// published types (only YourAppContent and currentUser, which the spec leaves to the app, are
// defined here).
import { LinktorChat, useLinktor, type Message } from '@linktor/react-webchat';

declare const currentUser: { id: string; name: string; email: string };
const YourAppContent = () => <main />;

export function App() {
  return (
    <div>
      <YourAppContent />

      <LinktorChat
        channelId="ch_webchat_123"
        primaryColor="#0066FF"
        position="bottom-right"
        user={{
          id: currentUser.id,
          name: currentUser.name,
          email: currentUser.email
        }}
        onMessage={(message) => console.log('New message:', message)}
      />
    </div>
  );
}

export function HelpButton() {
  const { open, sendMessage } = useLinktor();
  const onMessage = (m: Message) => m.content.type === 'text' && m.content.text;
  return (
    <>
      <button onClick={open}>Help</button>
      <button onClick={() => sendMessage({ text: 'Hello, I need help!' })}>Ask</button>
      <LinktorChat channelId="ch_1" baseUrl="https://chat.example.com" size="large" autoOpen proactiveMessages={[{ trigger: 'time', delay: 1000, message: 'Hi!' }]} onMessage={onMessage} />
    </>
  );
}
