/**
 * The environment each agent of a one-process host gets, so that every agent still logs in to Redis
 * as its own ACL user: the process's environment, then the agent's own file `<HIVE_ENV_DIR>/<agent>.env`
 * (what `hive acl --env-dir` writes: REDIS_URL with the agent's user and password), then
 * `HIVE_REDIS_URL_<AGENT>` (what the compose file sets). Later ones win.
 *
 * The model's key and base URL (MODEL_VARIABLES) reach only agents that call a model: for the others
 * they are removed; for those, `<HIVE_ENV_DIR>/model.env` (the VPS's /etc/hive/model.env, a
 * credential of the host's unit) adds them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

/** KEY=value lines (comments and blanks skipped; `export ` and surrounding quotes removed). */
export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    out.set(m[1]!, m[2]!.replace(/^(['"])(.*)\1$/, '$2'));
  }
  return out;
}

/** The variable that carries an agent's Redis URL in a shared environment: HIVE_REDIS_URL_BOX for "box". */
export function redisUrlVar(agent: string): string {
  return `HIVE_REDIS_URL_${agent.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Variables that carry the model's credentials (a base URL may hold a user, password or key). */
export const MODEL_VARIABLES = ['OPENAI_API_KEY', 'OPENAI_BASE_URL'] as const;

/** `env` without the model's credentials unless the agent uses a model. */
export function modelEnv(env: Env, usesModel: boolean): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  if (!usesModel) for (const v of MODEL_VARIABLES) delete out[v];
  return out;
}

/** The agent's whole environment in a host whose own environment is `base`. */
export function agentEnv(agent: string, base: Env, opts: { usesModel: boolean }): Env {
  const env = modelEnv(base, opts.usesModel);
  const dir = base.HIVE_ENV_DIR;
  const model = dir && opts.usesModel ? join(dir, 'model.env') : undefined;
  if (model && existsSync(model)) for (const [k, v] of parseEnvFile(readFileSync(model, 'utf8'))) env[k] = v;
  const file = dir ? join(dir, `${agent}.env`) : undefined;
  if (file && existsSync(file)) for (const [k, v] of parseEnvFile(readFileSync(file, 'utf8'))) env[k] = v;
  const url = base[redisUrlVar(agent)];
  if (url) env.REDIS_URL = url;
  return env;
}
