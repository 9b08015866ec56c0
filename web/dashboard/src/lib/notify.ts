// Telling an agent who is looking elsewhere: a browser notification and a short tone when a
// new conversation or a visitor message arrives while this tab is hidden. The permission is
// asked only from a click (browsers ignore or penalise asking on load); the tone is made with
// Web Audio, so there is no sound file to fetch, and its context is unlocked on a first click.

const SOUND_KEY = 'linktor.dashboard.sound';

let audio: AudioContext | null = null;

export const soundOn = () => localStorage.getItem(SOUND_KEY) !== 'off';
export const setSoundOn = (on: boolean) => localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');

/** Creates (or resumes) the audio context inside a user gesture, so a later tone may play. */
export function unlockAudio() {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    audio = null;
  }
}

/** Two short notes. */
export function chime() {
  if (!audio || !soundOn()) return;
  const t = audio.currentTime;
  for (const [i, f] of [880, 1320].entries()) {
    const o = audio.createOscillator();
    const g = audio.createGain();
    o.frequency.value = f;
    o.type = 'sine';
    g.gain.setValueAtTime(0.0001, t + i * 0.12);
    g.gain.exponentialRampToValueAtTime(0.15, t + i * 0.12 + 0.02);
    g.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.12 + 0.25);
    o.connect(g).connect(audio.destination);
    o.start(t + i * 0.12);
    o.stop(t + i * 0.12 + 0.3);
  }
}

export const notificationsSupported = () => typeof Notification !== 'undefined';
export const notificationPermission = () => (notificationsSupported() ? Notification.permission : 'denied');

/** Asks for permission; call from a click handler. */
export async function askPermission(): Promise<NotificationPermission> {
  if (!notificationsSupported()) return 'denied';
  return Notification.requestPermission();
}

/** Notifies when the tab is hidden: a system notification (if allowed) and the tone. */
export function notify(title: string, body: string, tag: string, onClick?: () => void) {
  if (!document.hidden) return;
  chime();
  if (notificationPermission() !== 'granted') return;
  try {
    // Text only: the Notification API never renders HTML.
    const n = new Notification(title, { body: body.slice(0, 200), tag });
    n.onclick = () => {
      window.focus();
      onClick?.();
      n.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}
