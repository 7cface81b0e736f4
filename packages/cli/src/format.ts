/**
 * Human output: aligned tables, durations and times. No colours and no dependency, so the output
 * is the same in a terminal, a pipe and a log file.
 */

export type Cell = string | number | null | undefined;
export type Align = 'left' | 'right';

export interface TableOptions {
  /** Per-column alignment; numbers read best right-aligned. @defaultValue left for every column */
  align?: readonly Align[];
}

const cellText = (c: Cell): string => (c === null || c === undefined ? '-' : String(c));

/** Columns separated by two spaces, each as wide as its widest cell; no trailing spaces. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], opts: TableOptions = {}): string {
  const text = [headers.map((h) => h.toUpperCase()), ...rows.map((r) => headers.map((_, i) => cellText(r[i])))];
  const widths = headers.map((_, i) => Math.max(...text.map((r) => r[i]!.length)));
  const last = headers.length - 1;
  return text
    .map((r) =>
      r
        .map((c, i) => {
          if (opts.align?.[i] === 'right') return c.padStart(widths[i]!);
          return i === last ? c : c.padEnd(widths[i]!);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A duration for people: "850ms", "12s", "3m 20s", "2h 5m", "3d 4h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1_000) return `${sign}${rest}ms`;
  rest = Math.floor(rest / 1_000);
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  for (const [unit, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join(' ');
}

/** "12s ago"; "-" when there is no time. */
export function formatAgo(thenMs: number | undefined, nowMs: number): string {
  if (thenMs === undefined || !Number.isFinite(thenMs)) return '-';
  return `${formatDuration(Math.max(0, nowMs - thenMs))} ago`;
}

/** A time as ISO 8601 in UTC, or "-" when it is not a valid time. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '-' : d.toISOString();
}

/** A count that Redis may not know (group lag after deletions): "?" when null. */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '?' : String(n);
}

/** Plural-aware "1 entry" / "3 entries". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A one-line JSON rendering of a value, for payloads in tables and tails. */
export function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A short delay with millisecond precision where it matters: "85ms", "1.516s", then as formatDuration. */
export function formatDelta(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${Math.round(ms)}ms`;
  if (abs < 60_000) return `${(ms / 1_000).toFixed(3)}s`;
  return formatDuration(ms);
}
