// linktor-emoji.js: the composer's emoji picker, a grid of emoji buttons: arrow keys move, Enter
// picks (Escape, handled by the composer, closes). Loaded when the picker is first opened.

import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Chat } from '../panel/chat';
import { definePart } from './borrowed';

// A small set that covers most chat use; a full emoji catalogue would weigh more than the panel.
const EMOJIS = '😀 😃 😄 😁 😆 😅 😂 🙂 😉 😊 😇 😍 😘 😋 😜 🤔 🤨 😐 😏 🙄 😬 😌 😔 😴 😷 🤒 😎 🤓 😕 😟 😮 😲 😳 🥺 😢 😭 😱 😤 😡 👍 👎 👌 ✌️ 🤞 👏 🙌 🙏 💪 👋 ❤️ 💔 💯 ✅ ❌ ⭐ 🔥 🎉 🎁 💡 📎 📷 ⏰ 🚀'.split(' ');

export interface EmojiPickerProps {
  id: string;
  onPick: (emoji: string) => void;
}

function EmojiPicker({ chat, id, onPick }: EmojiPickerProps & { chat: Chat }) {
  const cols = 8;
  const grid = useRef<HTMLDivElement>(null);
  // Before the browser paints: a key pressed right after opening already lands in the grid.
  useLayoutEffect(() => (grid.current?.firstElementChild as HTMLElement | null)?.focus(), []);
  return (
    <div
      id={id}
      class="linktor-emoji"
      role="group"
      aria-label={chat.t.emoji}
      ref={grid}
      onKeyDown={(e) => {
        const buttons = Array.from((e.currentTarget as HTMLElement).querySelectorAll('button'));
        const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
        const move = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols }[e.key];
        if (move && i >= 0) {
          e.preventDefault();
          const rtl = getComputedStyle(e.currentTarget as HTMLElement).direction === 'rtl' && Math.abs(move) === 1;
          buttons[Math.max(0, Math.min(buttons.length - 1, i + (rtl ? -move : move)))].focus();
        }
      }}
    >
      {EMOJIS.map((emoji) => (
        <button key={emoji} type="button" aria-label={emoji} onClick={() => onPick(emoji)}>
          {emoji}
        </button>
      ))}
    </div>
  );
}

definePart(
  EmojiPicker,
  `.linktor-emoji{position:absolute;bottom:100%;left:8px;right:8px;display:grid;grid-template-columns:repeat(8,1fr);gap:2px;max-height:210px;margin:0 0 4px;padding:8px;overflow-y:auto;border:1px solid #dcdcdc;border-radius:12px;background:#fff;box-shadow:0 6px 24px rgba(0,0,0,.15)}
.linktor-emoji button{margin:0;padding:6px 0;border:0;border-radius:6px;background:none;font-size:20px;line-height:1.2;cursor:pointer}
.linktor-emoji button:hover,.linktor-emoji button:focus{background:#f0f2f5}
`,
);
