/**
 * Post length as each platform counts it, and fitting a post into a limit. X counts most Latin
 * text as 1 per character but emoji and CJK as 2, and every link as 23 (its t.co form); the other
 * platforms count characters (code points).
 */
import type { Channel } from './channels.js';

const URL = /https?:\/\/\S+/g;

/** X's weight of one code point: 1 for the ranges its counting rules list, 2 for the rest. */
function xWeight(cp: number): number {
  return cp <= 0x10ff || (cp >= 0x2000 && cp <= 0x200d) || (cp >= 0x2010 && cp <= 0x201f) || (cp >= 0x2032 && cp <= 0x2037) ? 1 : 2;
}

/** The length of `text` as `channel` counts it. */
export function postLength(text: string, channel: Channel): number {
  if (channel !== 'x') return [...text].length;
  let n = 0;
  const withoutUrls = text.replace(URL, () => {
    n += 23;
    return '';
  });
  for (const ch of withoutUrls) n += xWeight(ch.codePointAt(0) ?? 0);
  return n;
}

/** `text` cut at a word boundary so that it and a trailing "…" fit `limit` as `channel` counts. */
export function truncate(text: string, limit: number, channel: Channel): string {
  if (postLength(text, channel) <= limit) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  // The longest prefix that fits with the ellipsis; lengths grow with the prefix, so bisect.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (postLength(`${chars.slice(0, mid).join('')}…`, channel) <= limit) lo = mid;
    else hi = mid - 1;
  }
  let cut = chars.slice(0, lo).join('');
  const space = cut.search(/\s\S*$/);
  if (space > cut.length * 0.6) cut = cut.slice(0, space);
  return `${cut.replace(/[\s,;:.!?—-]+$/u, '')}…`;
}
