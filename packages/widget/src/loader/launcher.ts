// What loader.js hands to host.js: the launcher it drew and the queue of early API calls.

export interface Launcher {
  site: string;
  /** The relay's origin: where the iframe comes from and the only origin its messages may have. */
  relay: string;
  host: HTMLElement;
  box: HTMLDivElement;
  button: HTMLButtonElement;
  label: HTMLSpanElement;
  badge: HTMLElement;
  /** A "continue in the browser" token the loader took out of the address bar, for the app. */
  link?: string | undefined;
}

/** `window.Parley`: the queue stub, then the loader's queue (`$` set), then the live API. */
export type ParleyGlobal = ((command: string, ...args: unknown[]) => void) & {
  q?: ArrayLike<unknown>[];
  $?: Launcher;
};
