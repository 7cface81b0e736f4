/** Chromium's launch: an explicit minimal environment, and its sandbox wherever user namespaces work. */
import { describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumEnv, detectSandbox } from '../src/whatsapp/chromium.js';

describe('Chromium sandbox', () => {
  it('keeps the sandbox when unprivileged user namespaces work', () => {
    const v = detectSandbox({ uid: 1001, unshare: () => true });
    expect(v.sandbox).toBe(true);
    expect(chromiumArgs(v)).not.toContain('--no-sandbox');
  });

  it('falls back to --no-sandbox, with the reason, as root or when namespaces are refused', () => {
    const root = detectSandbox({ uid: 0, unshare: () => true });
    expect(root).toMatchObject({ sandbox: false, why: expect.stringMatching(/as root/) });
    expect(chromiumArgs(root)[0]).toBe('--no-sandbox');
    expect(detectSandbox({ uid: 1001, unshare: () => false })).toMatchObject({ sandbox: false, why: expect.stringMatching(/unshare --user failed/) });
  });

  it('without unshare, reads the kernel settings', () => {
    const sysctls = (values: Record<string, string>) => (path: string) => values[path];
    expect(detectSandbox({ uid: 1001, unshare: () => undefined, sysctl: sysctls({}) }).sandbox).toBe(true);
    expect(detectSandbox({ uid: 1001, unshare: () => undefined, sysctl: sysctls({ '/proc/sys/kernel/unprivileged_userns_clone': '0' }) }).sandbox).toBe(false);
    expect(detectSandbox({ uid: 1001, unshare: () => undefined, sysctl: sysctls({ '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1' }) }).sandbox).toBe(false);
    expect(detectSandbox({ uid: 1001, unshare: () => undefined, sysctl: sysctls({ '/proc/sys/user/max_user_namespaces': '0' }) }).sandbox).toBe(false);
  });

  it('gives Chromium none of kami\'s environment', () => {
    const env = chromiumEnv('/var/lib/hive-kami/kami', { REDIS_URL: 'redis://kami:hunter2@127.0.0.1:6379', OPENAI_API_KEY: 'sk-live', TZ: 'Europe/Berlin', HOME: '/root' });
    expect(env).toEqual({ PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/var/lib/hive-kami/kami/chromium-home', LANG: 'C.UTF-8', TZ: 'Europe/Berlin' });
  });
});
