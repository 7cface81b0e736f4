/**
 * Writes docker-compose.yml from the agents in apps/ (the supervisor's discovery, the same list
 * `npm start` runs), so the services are never listed by hand. Two ways to run them, as `npm start`:
 *
 *   hive                  every agent in one container and one process (the default)
 *   <agent> × 13          one container per agent, profile "agents":
 *                         docker compose --profile agents up -d --scale hive=0
 *
 * Both share the agents' data volumes (one per agent, mounted at /data/<agent>), the image and the
 * Redis users, so switching between them keeps every agent's state. Regenerate:
 *
 *   node --conditions=@hive/source --import tsx infra/gen-compose.ts          # rewrite it
 *   node --conditions=@hive/source --import tsx infra/gen-compose.ts --check  # exit 1 if stale
 *
 * packages/cli/test/deploy.test.ts fails when the file is stale. Each agent's Redis user and
 * password variable are the ones `hive acl` generates (passwordVar), so compose, the ACL file and
 * the secrets file agree by construction.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentNames as discoveredAgents, redisUrlVar } from '@hive/supervisor';
import { passwordVar } from '../packages/cli/src/commands/acl.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

/** Redis, pinned to a minor with ACL selectors (7.0+); the same major as Debian 12's redis-server. */
export const REDIS_IMAGE = 'redis:7.4.2-alpine';
/** The HTTP server of each container (an agent's, or the host's with every agent under /agents/<name>). */
export const AGENT_HTTP_PORT = 8080;
/** The one-process service: every agent in one container. */
export const HOST_SERVICE = 'hive';
/** The profile of the one-container-per-agent services. */
export const AGENTS_PROFILE = 'agents';

/** What an agent's service needs beyond the common shape: deployment facts, not topology. */
interface ServiceExtra {
  /** Dockerfile target; kami's variable picks the image with Chromium for real WhatsApp. */
  readonly target?: string;
  readonly environment?: Readonly<Record<string, string>>;
  /** host:container, bound to loopback on the host. */
  readonly ports?: readonly string[];
  /** Volumes besides its own data volume. */
  readonly volumes?: readonly string[];
}

/** The blob store (HIVE_DATA_DIR/blobs): media kami writes and vox reads (STORAGE.md). */
const BLOBS_VOLUME = 'blobs-data';

const EXTRAS: Readonly<Record<string, ServiceExtra>> = {
  kami: {
    target: '${KAMI_TARGET:-runtime}',
    environment: {
      // Inside a container the simulator must listen on its network address (the published port is
      // bound to the host's loopback), so other containers could reach it: it takes a token, and kami
      // refuses to start in simulator mode without one. `hive say` on the host sends the same variable.
      KAMI_SIM_HOST: '0.0.0.0',
      KAMI_SIM_TOKEN: '${KAMI_SIM_TOKEN:-}',
      WHATSAPP_ENABLED: '${WHATSAPP_ENABLED:-}',
      WHATSAPP_OWNER: '${WHATSAPP_OWNER:-}',
      WHATSAPP_ALLOWED: '${WHATSAPP_ALLOWED:-}',
    },
    // `hive say` on the host talks to kami's simulator here.
    ports: ['127.0.0.1:7777:7777'],
    volumes: [`${BLOBS_VOLUME}:/data/blobs`],
  },
  // vox opens the voice notes kami stored: read-only.
  vox: { volumes: [`${BLOBS_VOLUME}:/data/blobs:ro`] },
};

const q = (s: string) => JSON.stringify(s);

const redisUrl = (name: string) => `redis://${name}:\${${passwordVar(name)}:?run: npx hive acl --secrets .env --out infra/acl/users.acl}@redis:6379`;

/** What every agent's process reads, in either kind of service. */
function commonEnv(): Record<string, string> {
  return {
    HIVE_DATA_DIR: '/data',
    HIVE_HTTP_HOST: '0.0.0.0',
    HIVE_HTTP_PORT: String(AGENT_HTTP_PORT),
    HIVE_LOG_LEVEL: '${HIVE_LOG_LEVEL:-info}',
    HIVE_TZ: '${HIVE_TZ:-UTC}',
    OPENAI_API_KEY: '${OPENAI_API_KEY:-}',
    OPENAI_BASE_URL: '${OPENAI_BASE_URL:-}',
    OPENAI_MODEL: '${OPENAI_MODEL:-}',
  };
}

interface ServiceShape {
  readonly name: string;
  readonly target?: string;
  readonly profile?: string;
  readonly volumes: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly ports?: readonly string[];
  /** The registry records http://<hostname>:8080, reachable from the other containers. */
  readonly hostname: string;
  readonly stopGrace: string;
}

/** A service's lines, keys in the order dclint's service-keys-order expects. */
function service(s: ServiceShape): string[] {
  return [
    `  ${s.name}:`,
    // The image whose target KAMI_TARGET picks (with Chromium or without), shared by kami and the host.
    `    image: ${q(s.target ? 'hive-whatsapp:local' : 'hive:local')}`,
    `    build:`,
    `      context: .`,
    `      target: ${q(s.target ?? 'runtime')}`,
    `    depends_on:`,
    `      redis:`,
    `        condition: service_healthy`,
    `    volumes:`,
    ...s.volumes.map((v) => `      - ${v}`),
    `    environment:`,
    ...Object.keys(s.environment).sort().map((k) => `      ${k}: ${q(s.environment[k]!)}`),
    // dclint wants ports in single quotes. A per-agent service publishes the host port the one-process
    // service does (kami's simulator, for `hive say`): only one of them runs (`--scale hive=0`).
    ...(s.ports ? [`    ports:${s.profile ? ' # dclint disable-line no-duplicate-exported-ports' : ''}`, ...s.ports.map((p) => `      - '${p}'`)] : []),
    `    restart: unless-stopped`,
    `    healthcheck:`,
    `      test: ["CMD", "node", "-e", ${q(`fetch('http://127.0.0.1:${AGENT_HTTP_PORT}/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`)}]`,
    `      interval: 15s`,
    `      timeout: 5s`,
    `      start_period: 60s`,
    `      retries: 3`,
    `    hostname: ${s.hostname}`,
    ...(s.profile ? [`    profiles:`, `      - ${s.profile}`] : []),
    // Always build from this checkout: `up` never runs an image older than the source.
    `    pull_policy: build`,
    `    stop_grace_period: ${s.stopGrace}`,
  ];
}

/** One agent in a container of its own (profile "agents"). */
function agentService(name: string): string[] {
  const extra = EXTRAS[name] ?? {};
  return service({
    name,
    ...(extra.target ? { target: extra.target } : {}),
    profile: AGENTS_PROFILE,
    volumes: [`${name}-data:/data/${name}`, ...(extra.volumes ?? [])],
    // AGENT: which app the image runs (infra/docker-entrypoint.sh).
    environment: { AGENT: name, ...commonEnv(), REDIS_URL: redisUrl(name), ...extra.environment },
    ...(extra.ports ? { ports: extra.ports } : {}),
    hostname: name,
    stopGrace: '30s',
  });
}

/** Every agent in one container and one process, each still logging in to Redis as its own user. */
function hostService(agents: readonly string[]): string[] {
  const environment: Record<string, string> = { AGENT: 'all', ...commonEnv() };
  for (const name of agents) {
    environment[redisUrlVar(name)] = redisUrl(name);
    Object.assign(environment, EXTRAS[name]?.environment);
  }
  // kami (WhatsApp) runs inside: this container needs Chromium when kami does.
  const target = agents.map((n) => EXTRAS[n]?.target).find(Boolean);
  return service({
    name: HOST_SERVICE,
    ...(target ? { target } : {}),
    // The blob store once, read-write: kami writes into it in this process.
    volumes: [...agents.map((n) => `${n}-data:/data/${n}`), ...(agents.includes('kami') ? [`${BLOBS_VOLUME}:/data/blobs`] : [])],
    environment,
    ports: agents.flatMap((n) => EXTRAS[n]?.ports ?? []),
    hostname: HOST_SERVICE,
    stopGrace: '40s',
  });
}

function redisService(): string[] {
  return [
    `  redis:`,
    `    image: ${REDIS_IMAGE}`,
    `    volumes:`,
    `      - redis-data:/data`,
    `      - ./infra/redis/redis.conf:/usr/local/etc/redis/redis.conf:ro`,
    `      - ./infra/acl/users.acl:/usr/local/etc/redis/users.acl:ro`,
    `    command:`,
    `      - "redis-server"`,
    `      - "/usr/local/etc/redis/redis.conf"`,
    `      # Inside the compose network: the VPS file binds loopback; here only the agents' network reaches`,
    `      # Redis (no port is published), and every client but a PING must log in as its ACL user.`,
    `      - "--bind"`,
    `      - "0.0.0.0"`,
    `      - "--protected-mode"`,
    `      - "no"`,
    `      - "--dir"`,
    `      - "/data"`,
    `      - "--aclfile"`,
    `      - "/usr/local/etc/redis/users.acl"`,
    `      - "--supervised"`,
    `      - "no"`,
    `    restart: unless-stopped`,
    `    healthcheck:`,
    `      # The default user may PING and nothing else.`,
    `      test: ["CMD", "redis-cli", "ping"]`,
    `      interval: 5s`,
    `      timeout: 3s`,
    `      start_period: 10s`,
    `      retries: 10`,
    `    stop_grace_period: 30s`,
  ];
}

/** docker-compose.yml for these agents. */
export function renderCompose(agents: readonly string[]): string {
  for (const taken of ['redis', HOST_SERVICE]) {
    if (agents.includes(taken)) throw new Error(`an agent cannot be called "${taken}": that is the name of a service here`);
  }
  const services = new Map<string, string[]>([['redis', redisService()], [HOST_SERVICE, hostService(agents)], ...agents.map((n): [string, string[]] => [n, agentService(n)])]);
  const names = [...services.keys()].sort();
  return `# Generated by infra/gen-compose.ts from the agents in apps/; do not edit by hand. After adding an agent:
#   node --conditions=@hive/source --import tsx infra/gen-compose.ts
# First run (infra/README.md): passwords into .env and the ACL file, then start:
#   npx hive acl --secrets .env --out infra/acl/users.acl
#   echo "KAMI_SIM_TOKEN=$(openssl rand -hex 16)" >> .env          # kami's simulator token (hive say reads it too)
#   docker compose up -d                                        # every agent in one process (service "hive")
#   docker compose --profile agents up -d --scale hive=0        # or one container per agent
name: hive

services:
${names.map((n) => services.get(n)!.join('\n')).join('\n\n')}

volumes:
${['redis', ...[...agents, ...(agents.includes('kami') ? ['blobs'] : [])].sort()].map((n) => `  ${n}-data:`).join('\n')}
`;
}

/** The agents `npm start` would run. */
export function agentNames(root: string = ROOT): string[] {
  return discoveredAgents(root);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const want = renderCompose(agentNames());
  if (process.argv.includes('--check')) {
    const have = readFileSync(COMPOSE_FILE, 'utf8');
    if (have !== want) {
      process.stderr.write('docker-compose.yml is stale: run node --conditions=@hive/source --import tsx infra/gen-compose.ts\n');
      process.exit(1);
    }
    process.stdout.write('docker-compose.yml is up to date\n');
  } else {
    writeFileSync(COMPOSE_FILE, want);
    process.stdout.write(`wrote ${COMPOSE_FILE}: redis and ${agentNames().length} agents\n`);
  }
}
