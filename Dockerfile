# syntax=docker/dockerfile:1.7
# One image for the whole monorepo; each container runs one agent, chosen by AGENT=<name>:
#   docker build -t hive:local .                       # agents (no browser)
#   docker build -t hive-kami:local --target whatsapp . # kami with Chromium, for WHATSAPP_ENABLED=1
#   docker run --rm -e AGENT=box -e REDIS_URL=redis://box:…@redis:6379 hive:local
#   docker run --rm -e REDIS_URL=… hive:local npx hive streams   # any command instead of an agent
#
# Agents run from their TypeScript source through tsx, exactly as `npm start` and the supervisor run
# them (node --conditions=@hive/source --import tsx apps/<name>/src/index.ts): the image runs the
# code path the tests run, there is no second build to keep in step, and the apps have no build of
# their own. tsx transforms each file once at start (esbuild, a second or two per agent) and then
# runs plain JavaScript.

ARG NODE_IMAGE=node:22-bookworm-slim

# ---------------------------------------------------------------- build: install the workspace
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
# build cache, and the install copies the packages into the image.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch --frozen-lockfile --store-dir /pnpm/store
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --frozen-lockfile --offline --store-dir /pnpm/store \
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
