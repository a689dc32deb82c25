// Notifications an agent cannot miss: a chime (WebAudio, unlocked by the click at sign-in),
// a desktop notification when the tab is not in front, and the unread count in the tab title.

let audio: AudioContext | null = null;

/**
 * Runs inside the click that follows sign-in: browsers only let a page play sound and ask for
 * notification permission from a user gesture.
 */
export async function unlockAlerts(): Promise<NotificationPermission | 'unsupported'> {
  try {
    audio ??= new AudioContext();
    await audio.resume();
  } catch {
    audio = null;
  }
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission === 'default') return Notification.requestPermission();
  return Notification.permission;
}

export function alertsUnlocked(): boolean {
  return audio?.state === 'running';
}

/** Two short rising tones: distinct from the OS's own sounds, not alarming. */
function chime(): void {
  if (audio?.state !== 'running') return;
  const start = audio.currentTime;
  for (const [i, frequency] of [660, 880].entries()) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + i * 0.16);
    gain.gain.exponentialRampToValueAtTime(0.25, start + i * 0.16 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.16 + 0.3);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + i * 0.16);
    oscillator.stop(start + i * 0.16 + 0.32);
  }
}

export interface Alert {
  /** One alert per key: the same conversation does not ring twice for one reason. */
  key: string;
  title: string;
  body: string;
  conversationId: string;
}

/** Rings and, when the console is in the background, shows a desktop notification. */
export function raise(alert: Alert, open: (conversationId: string) => void): void {
  chime();
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  const notification = new Notification(alert.title, { body: alert.body, tag: alert.key });
  notification.onclick = () => {
    window.focus();
    open(alert.conversationId);
    notification.close();
  };
}

/** "(3) Parley" while three messages wait unread. */
export function titleFor(unread: number): string {
  return unread > 0 ? `(${unread}) Parley` : 'Parley';
}
