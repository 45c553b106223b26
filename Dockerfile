# OpenCode-Slack server image: Node 20, better-sqlite3 compiled for it, the web client built in; runs as the
# unprivileged `node` user with the database and logs on volumes.
#   docker build -t opencode-slack . && docker compose up -d

# 1. Dependencies, with the toolchain better-sqlite3 needs when no prebuilt binary matches.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# patches/: fixes to dependencies applied by npm's postinstall (patch-package), before anything runs.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund

# 2. The web client into dist/client, then drop the build-only packages.
FROM deps AS build
COPY . .
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund

# 3. Runtime: only what the server reads (sources run through tsx, a runtime dependency).
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    WEBSOCKET_HOST=0.0.0.0 \
    WEBSOCKET_PORT=8765 \
    DATABASE_URL=/app/data/opencode-slack.db \
    LOG_FILE=/app/logs/server.log
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/src ./src
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/tsconfig.json ./tsconfig.json
RUN mkdir -p /app/data /app/logs && chown node:node /app/data /app/logs
USER node
VOLUME ["/app/data", "/app/logs"]
EXPOSE 8080 8765
# Strict: 503 (unhealthy) when the database or the active transport is down.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health?strict=1').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/server/main.ts"]
