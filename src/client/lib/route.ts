// The app's views as URLs (History API): the chat at /, the admin area at /admin, so Back and Forward move between
// them and a view can be bookmarked or reloaded. Two routes do not earn a router library.
import { useCallback, useSyncExternalStore } from 'react';

export type View = 'chat' | 'admin';

const PATHS: Record<View, string> = { chat: '/', admin: '/admin' };

/** The view a path shows; anything unknown is the chat. */
export function viewOf(pathname: string): View {
  return pathname.replace(/\/+$/, '') === PATHS.admin ? 'admin' : 'chat';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

/** The current view and a way to go to another (a new history entry, or `replace` for a redirect). */
export function useView(): [View, (view: View, options?: { replace?: boolean }) => void] {
  const pathname = useSyncExternalStore(subscribe, () => window.location.pathname);
  const go = useCallback((view: View, options: { replace?: boolean } = {}) => {
    const path = PATHS[view];
    if (viewOf(window.location.pathname) === view) return;
    if (options.replace) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
    // pushState does not fire popstate; tell the subscribers ourselves.
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, []);
  return [viewOf(pathname), go];
}
