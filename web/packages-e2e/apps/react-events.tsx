// Every callback prop, and re-renders with new callback functions or a new colour.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { LinktorChat } from '@linktor/react-webchat';

declare const LINKTOR_BASE_URL: string;
const events: string[] = ((window as any).__events = []);

function App() {
  const [n, setN] = useState(1);
  const [color, setColor] = useState('#0066FF');
  const tag = (e: string) => () => events.push(n === 1 ? e : `${e}#${n}`);
  (window as any).__app = { rerender: () => setN((x) => x + 1), recolor: setColor };
  return <LinktorChat baseUrl={LINKTOR_BASE_URL} channelId="ch_webchat_123" primaryColor={color} onReady={tag('ready')} onOpen={tag('open')} onClose={tag('close')} />;
}

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
