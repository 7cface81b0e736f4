/**
 * The briefing's words: each source's summary in the order configured, then one line per kind of
 * silence naming who was missing, so a partial briefing is still sent and never hides a gap.
 */

/** What came of asking one agent for its summary. */
export type SourceOutcome =
  | { readonly agent: string; readonly status: 'answered'; readonly text: string }
  | { readonly agent: string; readonly status: 'timeout' }
  | { readonly agent: string; readonly status: 'not-running' }
  | { readonly agent: string; readonly status: 'failed'; readonly reason: string };

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/** "Friday 14 March" for "2025-03-14" (a calendar day has a weekday whatever the zone). */
export function longDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(d.getTime())) return day;
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

/** "a", "a and b", "a, b and c". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The lines that name who is missing from a briefing, one per kind of silence. */
export function missingLines(outcomes: readonly SourceOutcome[]): string[] {
  const of = (s: SourceOutcome['status']) => outcomes.filter((o) => o.status === s).map((o) => o.agent);
  const lines: string[] = [];
  const late = of('timeout');
  if (late.length > 0) lines.push(`⏳ ${listNames(late)} didn't answer in time.`);
  const away = of('not-running');
  if (away.length > 0) lines.push(`💤 ${listNames(away)} ${away.length === 1 ? "isn't" : "aren't"} running right now.`);
  for (const o of outcomes) if (o.status === 'failed') lines.push(`⚠️ ${o.agent} couldn't answer: ${o.reason}.`);
  return lines;
}

/** The whole briefing for one chat and day. */
export function composeBriefing(day: string, outcomes: readonly SourceOutcome[]): string {
  const header = `☀️ Your briefing for ${longDay(day)}`;
  if (outcomes.length === 0) return `${header}\n\nNo sources are configured for the briefing (HERALD_SOURCES).`;
  const said = outcomes.flatMap((o) => (o.status === 'answered' && o.text.trim() !== '' ? [o.text.trim()] : []));
  const answered = outcomes.filter((o) => o.status === 'answered').length;
  const missing = missingLines(outcomes);
  const body: string[] = [];
  if (said.length > 0) body.push(said.join('\n'));
  else if (answered > 0) body.push('Nothing to report yet today.');
  else body.push("I couldn't gather anything for it:");
  if (missing.length > 0) body.push(missing.join('\n'));
  return `${header}\n\n${body.join('\n\n')}`;
}
