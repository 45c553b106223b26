// Build-time settings the client reads from import.meta.env (all optional; the server's /config.json is used otherwise).
/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Full WebSocket URL of the tRPC endpoint, e.g. wss://chat.example.com/ws. */
  readonly VITE_WS_URL?: string;
  /** Base URL of the HTTP server (where /config.json lives), e.g. https://chat.example.com. */
  readonly VITE_API_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
