# syntax=docker/dockerfile:1
# itbot's server image: `itbot serve` (the default command), `itbot migrate`, `itbot reindex` and
# the other admin commands, against PostgreSQL (DATABASE_URL). Multi-stage: the build stage has
# the dev dependencies and compiles; the runtime stage has production dependencies and dist/ only.
# Runs as the non-root `node` user with a read-only root file system: ITBOT_DATA_DIR and /tmp are
# the only paths it writes, mount a tmpfs or volume there (docker-compose.yml and deploy/k8s do).
#
#   docker build -t itbot .
#   docker run --rm -e DATABASE_URL=… -e ITBOT_SERVER_TOKENS=… -p 8080:8080 --read-only \
#     --tmpfs /data --tmpfs /tmp itbot
#
# (Not built on the machine it was written on: it has no Docker engine.)

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
 # Not needed by a server on PostgreSQL: the embedded store's template database, tests,
 # benchmarks and source maps.
 && rm -rf dist/template dist/test dist/bench \
 && find dist -name '*.map' -delete

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    ITBOT_DATA_DIR=/data \
    ITBOT_BACKGROUND_SERVER=off \
    ITBOT_LISTEN=0.0.0.0:8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf /root/.npm /tmp/*
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY sql ./sql
COPY kb ./kb
COPY seed ./seed
COPY data ./data
RUN ln -s /app/bin/itbot /usr/local/bin/itbot \
 && mkdir -p /data \
 && chown node:node /data
USER node
EXPOSE 8080
# Liveness only (/healthz); orchestrators that route traffic also ask /readyz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Beyond loopback itbot serve refuses to start without ITBOT_SERVER_TOKENS (or --token-file).
CMD ["itbot", "serve", "--listen", "0.0.0.0:8080"]
