/**
 * New agent apps while the network runs: `hive new agent` writes apps/<name> (package.json last),
 * and the host starts it without a restart. Polls the apps directory (a readdir and a few small
 * package.json reads) every `intervalMs`, and also wakes on fs.watch where the platform has it.
 * An app that cannot be loaded is reported once and not tried again: a module that failed to import
 * stays failed in this process (restart npm start once it is fixed).
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@hive/bus';
import { agentNames, discoverAgents, type AgentApp } from './discovery.js';

export interface WatchAppsOptions {
  readonly log: Pick<Logger, 'info' | 'error'>;
  /** Load and start one new app. */
  readonly start: (app: AgentApp) => Promise<void>;
  /** @defaultValue 1000 */
  readonly intervalMs?: number;
}

/** Start every agent app under `<root>/apps` not in `known` as it appears; returns a stop function. */
export function watchNewApps(root: string, known: Set<string>, opts: WatchAppsOptions): () => void {
  let busy = false;
  let stopped = false;
  const scan = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      for (const name of agentNames(root)) {
        if (known.has(name) || stopped) continue;
        known.add(name);
        try {
          const [app] = discoverAgents(root, { only: [name] });
          opts.log.info({ agent: name }, 'a new agent app appeared: starting it');
          await opts.start(app!);
        } catch (err) {
          opts.log.error({ agent: name, err: (err as Error).message }, 'a new agent app could not be started (fix it, then restart npm start)');
        }
      }
    } catch (err) {
      opts.log.error({ err: (err as Error).message }, 'could not look for new agent apps');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void scan(), opts.intervalMs ?? 1_000);
  timer.unref();
  let watcher: FSWatcher | undefined;
  try {
    if (existsSync(join(root, 'apps'))) watcher = watch(join(root, 'apps'), { persistent: false }, () => void scan());
  } catch {
    // polling alone then
  }
  return () => {
    stopped = true;
    clearInterval(timer);
    watcher?.close();
  };
}
