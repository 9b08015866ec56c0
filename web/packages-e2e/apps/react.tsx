// The spec's React Installation example (App, verbatim but for `baseUrl`, our server, and
// where currentUser comes from), mounted in StrictMode with a harness the test drives.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { LinktorChat, useLinktor } from '@linktor/react-webchat';

declare const LINKTOR_BASE_URL: string;
type User = { id: string; name: string; email: string };
let currentUser: User = { id: 'user_123', name: 'John Doe', email: 'john@example.com' };
const YourAppContent = () => <main><h1>Acme Store</h1></main>;

function App() {
  return (
    <div>
      <YourAppContent />

      <LinktorChat
        baseUrl={LINKTOR_BASE_URL}
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

function Harness() {
  const [, setVersion] = useState(0);
  const [mounted, setMounted] = useState(true);
  const controls = useLinktor();
  (window as any).__app = {
    controls,
    setUser(u: User) {
      currentUser = u;
      setVersion((v) => v + 1);
    },
    unmount: () => setMounted(false),
  };
  return mounted ? <App /> : null;
}

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <Harness />
  </StrictMode>,
);
