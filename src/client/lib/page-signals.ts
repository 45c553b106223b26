// What the chat connection needs of the page it runs in: the network flag, the network and visibility events, and
// the tab's storage. The browser's in the app; a stand-in in tests, which run the connection in Node.

export interface PageSignals {
  /** What the browser believes of the network (navigator.onLine). */
  isOnline(): boolean;
  /** The network went away or came back, or the tab came to the front; returns the unsubscribe. */
  on(event: 'online' | 'offline' | 'visible', listener: () => void): () => void;
  /** Where unsent messages outlive a reload of the tab (sessionStorage). */
  storage: Storage;
}

export function browserPage(): PageSignals {
  return {
    isOnline: () => navigator.onLine,
    on(event, listener) {
      if (event !== 'visible') {
        window.addEventListener(event, listener);
        return () => window.removeEventListener(event, listener);
      }
      const changed = () => {
        if (document.visibilityState === 'visible') listener();
      };
      document.addEventListener('visibilitychange', changed);
      return () => document.removeEventListener('visibilitychange', changed);
    },
    storage: sessionStorage,
  };
}
