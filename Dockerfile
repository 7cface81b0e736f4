# syntax=docker/dockerfile:1.7
# One image for the whole monorepo, compiled JavaScript and production dependencies only:
#   docker build -t hive:local .                            # the agents (no browser)
#   docker build -t hive-whatsapp:local --target whatsapp .  # with Chromium, for kami with WHATSAPP_ENABLED=1
#   docker run --rm -e REDIS_URL=… hive:local                # every agent in one process (AGENT=all)
#   docker run --rm -e AGENT=box -e REDIS_URL=redis://box:…@redis:6379 hive:local   # one agent alone
#   docker run --rm -e REDIS_URL=… hive:local hive streams   # the hive CLI instead of an agent
#
# The build stage installs everything and compiles every package and app to dist/ (tsc); then the
# workspace is installed again with --prod, without the benchmarks and the e2e tests: no tsx,
# esbuild, vitest or turbo, and no NATS or RabbitMQ client in the image. (The typescript package is
# there all the same, as an optional peer of cosmiconfig, which whatsapp-web.js's puppeteer uses.)
# Processes run `node dist/…` (infra/docker-entrypoint.sh).

ARG NODE_IMAGE=node:22-bookworm-slim

# ---------------------------------------------------------------- build: install and compile
FROM ${NODE_IMAGE} AS build
ENV CI=true \
    PUPPETEER_SKIP_DOWNLOAD=1 \
    TURBO_TELEMETRY_DISABLED=1
# better-sqlite3 compiles with node-gyp when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# pnpm at the version package.json pins (packageManager). npm rather than corepack: corepack's
# signature keys lag behind pnpm releases in some Node 22 images.
COPY package.json ./
RUN npm install -g "pnpm@$(node -p "require('./package.json').packageManager.split('@')[1]")"
# Fetch by the lockfile alone, so this layer is cached until the lockfile changes; the store is a
# build cache, and the installs copy the packages into the image.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch --frozen-lockfile --store-dir /pnpm/store
COPY . .
# Everything, dev dependencies included (tsc), then dist/ of the apps, the host and the CLI with
# every workspace package they use (turbo builds dependencies first).
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --frozen-lockfile --offline --store-dir /pnpm/store \
 && pnpm exec turbo run build --filter='./apps/*' --filter=@hive/supervisor --filter=@hive/cli --output-logs=errors-only
# Production dependencies only, from scratch (an install over the full one would keep what it no
# longer needs), without the benchmarks' and the e2e tests' (infra/deploy.sh does the same).
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store rm -rf node_modules packages/*/node_modules apps/*/node_modules \
 && pnpm install --prod --frozen-lockfile --offline --store-dir /pnpm/store --filter '!@hive/bench' --filter '!@hive/e2e' \
 && mkdir -p /data/blobs \
 && for app in apps/*/; do mkdir -p "/data/$(basename "$app")"; done

# ---------------------------------------------------------------- runtime: agents, non-root
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HIVE_HTTP_HOST=0.0.0.0 \
    HIVE_DATA_DIR=/data \
    PUPPETEER_SKIP_DOWNLOAD=1
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# One directory per agent, owned by the runtime user, so a named volume mounted there starts writable.
COPY --from=build --chown=node:node /data /data
USER node
EXPOSE 8080
ENTRYPOINT ["/app/infra/docker-entrypoint.sh"]

# ---------------------------------------------------------------- whatsapp: kami with Chromium
# whatsapp-web.js drives a real browser only with WHATSAPP_ENABLED=1; the simulator needs none.
FROM runtime AS whatsapp
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation \
 && rm -rf /var/lib/apt/lists/*
ENV CHROMIUM_PATH=/usr/bin/chromium
USER node

# The default target: the agents' image.
FROM runtime
