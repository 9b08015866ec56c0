// The composer's emoji picker: a short list of the ones support conversations use, with
// names for screen readers (the picker is a grid of labelled buttons).

export const EMOJI: [string, string][] = [
  ['😀', 'grinning face'], ['😃', 'smiling face with open mouth'], ['😄', 'smiling face with smiling eyes'], ['😁', 'beaming face'],
  ['😅', 'grinning face with sweat'], ['😂', 'face with tears of joy'], ['🙂', 'slightly smiling face'], ['😉', 'winking face'],
  ['😊', 'smiling face'], ['😍', 'heart eyes'], ['🤩', 'star-struck'], ['😎', 'smiling face with sunglasses'],
  ['🤔', 'thinking face'], ['😐', 'neutral face'], ['😕', 'confused face'], ['😢', 'crying face'],
  ['😮', 'face with open mouth'], ['🙏', 'folded hands'], ['👍', 'thumbs up'], ['👎', 'thumbs down'],
  ['👏', 'clapping hands'], ['🙌', 'raising hands'], ['👋', 'waving hand'], ['🤝', 'handshake'],
  ['💪', 'flexed biceps'], ['👀', 'eyes'], ['✅', 'check mark'], ['❌', 'cross mark'],
  ['⚠️', 'warning'], ['❓', 'question mark'], ['❗', 'exclamation mark'], ['💡', 'light bulb'],
  ['🎉', 'party popper'], ['🔥', 'fire'], ['⭐', 'star'], ['❤️', 'red heart'],
  ['💬', 'speech balloon'], ['📦', 'package'], ['🚚', 'delivery truck'], ['💳', 'credit card'],
  ['📧', 'email'], ['📞', 'telephone'], ['🕐', 'clock'], ['📅', 'calendar'],
  ['🔒', 'lock'], ['🔑', 'key'], ['🛒', 'shopping cart'], ['🎁', 'gift'],
];
