/** How numbers and times read on the page. */

/** "3 s ago", "5 min ago", "2 h ago", "4 d ago". */
export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) return '—';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** A rate in messages per second, or "—" before there is one. */
export function rate(r: number | null | undefined): string {
  if (r === null || r === undefined) return '—';
  if (r === 0) return '0/s';
  if (r < 0.1) return `${(r * 60).toFixed(1)}/min`;
  return `${r < 10 ? r.toFixed(1) : Math.round(r)}/s`;
}

/** 12,345 */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '?' : n.toLocaleString('en-US');
}

/** "+1.2 s", "+340 ms" */
export function delta(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `+${ms} ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(1)} s`;
  return `+${(ms / 60_000).toFixed(1)} min`;
}

/** An ISO-like local time, to the second. */
export function time(ms: number | null | undefined): string {
  if (!ms) return '—';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Pretty JSON for a payload view. */
export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}
