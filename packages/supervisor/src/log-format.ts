/** Turn a pino JSON log line into one readable line; anything else passes through unchanged. */

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'agent', 'instance', 'v']);

/** "info  message key=value …" from a pino line. */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof obj.level === 'number' ? (LEVELS[obj.level] ?? String(obj.level)) : String(obj.level ?? '');
  const extras = Object.entries(obj)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${level.padEnd(5)} ${String(obj.msg ?? '')}${extras ? `  ${extras}` : ''}`;
}
