/**
 * How kami launches Chromium for whatsapp-web.js. Two things are never inherited from kami:
 *
 * - the environment: Chromium gets a short, explicit one (PATH, HOME in kami's data dir, LANG, TZ),
 *   never REDIS_URL (with its password), OPENAI_API_KEY or anything else kami was started with;
 * - the decision to run without its sandbox: Chromium's sandbox needs user namespaces (or its setuid
 *   helper) and refuses to run as root. kami probes for them (`unshare --user true`, which also meets a
 *   container's seccomp profile; else the kernel's sysctls) and adds `--no-sandbox` only when they are
 *   missing or kami runs as root, saying so in the log.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Flags for a headless server, whatever the sandbox: no GPU, no background chatter. */
export const CHROMIUM_BASE_ARGS = ['--disable-gpu', '--disable-background-networking'] as const;

export interface SandboxVerdict {
  readonly sandbox: boolean;
  /** Why, for the log. */
  readonly why: string;
}

export interface SandboxProbe {
  /** The effective user id. @defaultValue process.geteuid() */
  readonly uid?: number;
  /** True/false when `unshare --user true` ran, undefined when there is no unshare. @defaultValue runs it */
  readonly unshare?: () => boolean | undefined;
  /** A file under /proc/sys, or undefined when absent. @defaultValue reads it */
  readonly sysctl?: (path: string) => string | undefined;
}

/** Whether Chromium's sandbox can work here, and why. */
export function detectSandbox(probe: SandboxProbe = {}): SandboxVerdict {
  const uid = probe.uid ?? process.geteuid?.() ?? -1;
  if (uid === 0) return { sandbox: false, why: 'kami runs as root, and Chromium refuses its sandbox as root: run kami as its own user (infra/systemd)' };
  const unshare = (probe.unshare ?? runUnshare)();
  if (unshare === true) return { sandbox: true, why: 'unprivileged user namespaces work (unshare --user)' };
  if (unshare === false) return { sandbox: false, why: 'unprivileged user namespaces are refused here (unshare --user failed: a kernel setting, AppArmor or a container\'s seccomp profile)' };
  const sysctl = probe.sysctl ?? readSysctl;
  if (sysctl('/proc/sys/kernel/unprivileged_userns_clone') === '0') return { sandbox: false, why: 'kernel.unprivileged_userns_clone is 0' };
  if (sysctl('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1') return { sandbox: false, why: 'AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)' };
  const max = sysctl('/proc/sys/user/max_user_namespaces');
  if (max !== undefined && Number(max) === 0) return { sandbox: false, why: 'user.max_user_namespaces is 0' };
  return { sandbox: true, why: 'the kernel allows unprivileged user namespaces' };
}

/** Chromium's flags for a verdict: the base flags, plus `--no-sandbox` only without a sandbox. */
export function chromiumArgs(verdict: SandboxVerdict): string[] {
  return verdict.sandbox ? [...CHROMIUM_BASE_ARGS] : ['--no-sandbox', ...CHROMIUM_BASE_ARGS];
}

/** The whole environment Chromium gets: nothing of kami's own, secrets least of all. */
export function chromiumEnv(dataDir: string, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: join(dataDir, 'chromium-home'),
    LANG: 'C.UTF-8',
    ...(from.TZ ? { TZ: from.TZ } : {}),
  };
}

function runUnshare(): boolean | undefined {
  const r = spawnSync('unshare', ['--user', 'true'], { stdio: 'ignore', timeout: 5_000, env: { PATH: '/usr/bin:/bin' } });
  if (r.error) return undefined;
  return r.status === 0;
}

function readSysctl(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
