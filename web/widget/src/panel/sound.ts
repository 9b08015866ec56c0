// The new-message chime, made with WebAudio (two short sine notes) instead of an audio file:
// no extra request, no bytes to download. Browsers only let audio start after a user gesture
// on the page, so the AudioContext is created on the visitor's first interaction with the widget.

let ctx: AudioContext | null = null;

/** Call from a user gesture (pointerdown, keydown) so later chimes are allowed to play. */
export function unlockSound() {
  const AC = window.AudioContext ?? (window as any).webkitAudioContext;
  if (!ctx && AC) ctx = new AC();
  if (ctx?.state === 'suspended') void ctx.resume();
}

export function chime(): boolean {
  if (!ctx || ctx.state !== 'running') return false;
  const t = ctx.currentTime;
  [880, 1320].forEach((freq, i) => {
    const osc = ctx!.createOscillator();
    const gain = ctx!.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const start = t + i * 0.12;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.3);
    osc.connect(gain).connect(ctx!.destination);
    osc.start(start);
    osc.stop(start + 0.32);
  });
  return true;
}
