// The app shell: loads the run-time config, signs in (remembered), then shows the chat (/) or the admin area (/admin).
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { ChatInterface } from './components/Chat/ChatInterface';
import { ReactionsProvider } from './components/Chat/Reactions';
import { JoinScreen } from './components/JoinScreen';
import { DiffPanelHost } from './components/Tasks/DiffPanelHost';
import { useChatConnection } from './hooks/useChatConnection';
import { type Identity, loadIdentity, saveIdentity, whoAmI } from './lib/identity';
import { useView } from './lib/route';
import { type ClientConfig, loadClientConfig, resolveWsUrl } from './lib/runtime-config';
import { useChatStore } from './stores/chatStore';
import { trpc } from './trpc';

// The admin area is a chunk of its own, loaded when opened: most people never do (initial bundle budget).
const AdminPanel = lazy(() =>
  import('./components/Admin/AdminPanel').then((m) => ({ default: m.AdminPanel })),
);

export function App() {
  const [config, setConfig] = useState<ClientConfig | null>(null);
  const [configError, setConfigError] = useState<string | null>(null);
  const [identity, setIdentity] = useState<Identity | null>(() => loadIdentity());
  const [authError, setAuthError] = useState<string | null>(null);

  useEffect(() => {
    loadClientConfig(import.meta.env.VITE_API_URL)
      .then(setConfig)
      .catch((error: Error) => setConfigError(error.message));
  }, []);

  const join = useCallback((next: Identity | null, error: string | null = null) => {
    saveIdentity(next);
    useChatStore.getState().reset();
    useChatStore.getState().setMe(next ? whoAmI(next) : null);
    setAuthError(error);
    setIdentity(next);
  }, []);

  if (configError)
    return (
      <p role="alert" className="p-6">
        Cannot reach the server: {configError}
      </p>
    );
  if (!config) return <p className="p-6 text-slate-500">Loading…</p>;
  // A remembered identity for the other auth mode (the server was reconfigured) means signing in again.
  if (!identity || identity.mode !== config.authMode)
    return <JoinScreen authMode={config.authMode} error={authError} onJoin={(next) => join(next)} />;
  const wsUrl = resolveWsUrl(config, window.location, import.meta.env.VITE_WS_URL);
  return <SignedIn key={wsUrl} wsUrl={wsUrl} identity={identity} onSignOut={(error) => join(null, error)} />;
}

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});

function SignedIn({
  wsUrl,
  identity,
  onSignOut,
}: {
  wsUrl: string;
  identity: Identity;
  onSignOut(error?: string): void;
}) {
  const me = useChatStore((s) => s.me);
  const [view, go] = useView();
  useEffect(() => {
    if (!useChatStore.getState().me) useChatStore.getState().setMe(whoAmI(identity));
  }, [identity]);
  const isAdmin = me?.role === 'admin';
  // /admin opened by someone who is not an admin: the chat, at its own address.
  useEffect(() => {
    if (me && !isAdmin && view === 'admin') go('chat', { replace: true });
  }, [me, isAdmin, view, go]);
  const connection = useChatConnection(wsUrl, identity, (error) => onSignOut(error));
  if (!connection) return null;
  return (
    <trpc.Provider client={connection.client.trpc} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        {view === 'admin' && isAdmin ? (
          <Suspense fallback={<p className="p-6 text-slate-500">Loading…</p>}>
            <AdminPanel onClose={() => go('chat')} />
          </Suspense>
        ) : (
          <ReactionsProvider connection={connection}>
            <ChatInterface
              connection={connection}
              onSignOut={() => onSignOut()}
              onOpenAdmin={isAdmin ? () => go('admin') : undefined}
            />
          </ReactionsProvider>
        )}
        {/* Here, not in a task card: cards live in the virtualized list and may unmount while the panel is open. */}
        <DiffPanelHost />
      </QueryClientProvider>
    </trpc.Provider>
  );
}
