/**
 * Offline edits of a draft: "edit draft 2: make it shorter" and the like, read from the owner's
 * instruction into named operations and applied deterministically. Several may be asked at once
 * ("shorter and more formal"); what is not understood is reported, never guessed.
 */
import { channelOf, CHANNEL_WORDS, profileOf, type Channel } from './channels.js';
import type { DraftContent } from './drafts.js';
import { hashtagOf, hashtagsFor } from './keywords.js';
import { postLength } from './length.js';
import { draftFromTemplate, fit, stableHash } from './templates.js';

export type EditOp =
  | { readonly op: 'shorter' }
  | { readonly op: 'longer' }
  | { readonly op: 'formal' }
  | { readonly op: 'casual' }
  | { readonly op: 'add-hashtags'; readonly tags: readonly string[] }
  | { readonly op: 'remove-hashtags' }
  | { readonly op: 'add-emoji' }
  | { readonly op: 'remove-emoji' }
  | { readonly op: 'call-to-action' }
  | { readonly op: 'channel'; readonly channel: Channel }
  | { readonly op: 'title'; readonly title: string }
  | { readonly op: 'replace'; readonly from: string; readonly to: string };

export interface ParsedEdit {
  readonly ops: readonly EditOp[];
  /** Parts of the instruction no operation matched, as said. */
  readonly unknown: readonly string[];
}

const CHANNEL_RE = CHANNEL_WORDS.map((w) => w.replace(/\s+/g, '\\s+')).join('|');
const REPLACE = /^(?:replace|change|swap)\s+["“‘']?(.+?)["”’']?\s+(?:with|to|for|by)\s+["“‘']?(.+?)["”’']?$/i;
const TITLE = /^(?:(?:change|set|make)\s+(?:the\s+)?(?:title|subject|headline)\s+(?:to|:)|(?:title|subject|headline)\s*:)\s*["“]?(.+?)["”]?$/i;
const FOR_CHANNEL = new RegExp(`^(?:(?:make\\s+it\\s+|turn\\s+it\\s+into\\s+|rewrite\\s+(?:it\\s+)?)?(?:for|as|into|to|a|an)\\s+)?(?:a\\s+|an\\s+)?(${CHANNEL_RE})(?:\\s+(?:post|version|one))?$`, 'i');

/** Split an instruction into its parts: "shorter and more formal, add hashtags" → three. */
function parts(instruction: string): string[] {
  return instruction
    .split(/\s*(?:,|;|\band\s+then\b|\bthen\b|\balso\b|\band\b|\+|&)\s*/i)
    .map((p) => p.trim().replace(/^(?:please\s+|pls\s+)?(?:make\s+it\s+|make\s+this\s+|can\s+you\s+|it\s+)?/i, '').replace(/[.!]+$/, '').trim())
    .filter((p) => p !== '');
}

function partOp(p: string): EditOp | undefined {
  const l = p.toLowerCase();
  if (/\b(?:remove|no|without|drop|delete|strip|lose)\b.*\bhash\s*tags?\b|^no\s+tags$/.test(l)) return { op: 'remove-hashtags' };
  if (/\bhash\s*tags?\b|#[\p{L}\p{N}_]+/u.test(l)) return { op: 'add-hashtags', tags: (p.match(/#[\p{L}\p{N}_]+/gu) ?? []).map((t) => t.slice(1)) };
  if (/\b(?:remove|no|without|drop|fewer|less)\b.*\bemojis?\b/.test(l)) return { op: 'remove-emoji' };
  if (/\bemojis?\b/.test(l)) return { op: 'add-emoji' };
  if (/\b(?:shorter|shorten|short|concise|trim|tighter|tighten|brief|briefer|condense|cut\s+it\s+down|less\s+wordy|punchier|snappier|crisper)\b/.test(l)) return { op: 'shorter' };
  if (/\b(?:longer|lengthen|expand|elaborate|more\s+detail(?:ed)?|flesh\s+(?:it\s+)?out|extend|more\s+depth)\b/.test(l)) return { op: 'longer' };
  if (/\b(?:formal|professional|serious|polished|businesslike)\b/.test(l)) return { op: 'formal' };
  if (/\b(?:casual|informal|friendl(?:y|ier)|relaxed|conversational|fun|funnier|playful|lighter)\b/.test(l)) return { op: 'casual' };
  if (/\b(?:call\s+to\s+action|cta|question\s+at\s+the\s+end|end\s+with\s+a\s+question|engagement|engaging)\b/.test(l)) return { op: 'call-to-action' };
  const ch = FOR_CHANNEL.exec(p);
  if (ch) {
    const channel = channelOf(ch[1]?.replace(/\s+/g, ' '));
    if (channel) return { op: 'channel', channel };
  }
  return undefined;
}

/** Read an edit instruction into operations, keeping what it could not read. */
export function parseEdit(instruction: string): ParsedEdit {
  const said = instruction.trim();
  const title = TITLE.exec(said);
  if (title?.[1]) return { ops: [{ op: 'title', title: title[1].trim() }], unknown: [] };
  const replace = REPLACE.exec(said);
  if (replace?.[1] && replace[2] && !partOp(said)) return { ops: [{ op: 'replace', from: replace[1], to: replace[2] }], unknown: [] };
  const ops: EditOp[] = [];
  const unknown: string[] = [];
  for (const p of parts(said)) {
    const op = partOp(p);
    if (op) ops.push(op);
    else unknown.push(p);
  }
  return { ops, unknown };
}

export interface EditResult {
  readonly content: DraftContent;
  /** What was done, as the reply lists it ("shorter", "more formal"). */
  readonly done: readonly string[];
  /** Operations that could not change anything, with why. */
  readonly notes: readonly string[];
}

const CONTRACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/\bcan['’]t\b/gi, 'cannot'], [/\bwon['’]t\b/gi, 'will not'], [/\bshan['’]t\b/gi, 'shall not'], [/\b(\w+)n['’]t\b/gi, '$1 not'],
  [/\bI['’]m\b/g, 'I am'], [/\b(you|we|they)['’]re\b/gi, '$1 are'], [/\b(it|that|there|here|what|he|she)['’]s\b/gi, '$1 is'],
  [/\b(I|you|we|they)['’]ve\b/gi, '$1 have'], [/\b(I|you|we|they|he|she|it)['’]ll\b/gi, '$1 will'], [/\b(I|you|we|they|he|she)['’]d\s+(?=\w+ed\b|been\b|done\b|gone\b|known\b|seen\b|had\b|got\b|made\b|taken\b|given\b|written\b|heard\b|found\b|thought\b)/gi, '$1 had '],
  [/\b(I|you|we|they|he|she)['’]d\b/gi, '$1 would'],
  [/\blet['’]s\b/gi, 'let us'],
];
const CASUAL_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/\bgonna\b/gi, 'going to'], [/\bwanna\b/gi, 'want to'], [/\bgotta\b/gi, 'have to'], [/\bkinda\b/gi, 'somewhat'], [/\bsuper\b/gi, 'very'],
  [/\bawesome\b/gi, 'excellent'], [/\bcool\b/gi, 'good'], [/\bthis stuff\b/gi, 'these things'], [/\bstuff\b/gi, 'things'], [/\bguys\b/gi, 'everyone'], [/\bhey\b/gi, 'hello'],
  [/\bhi there\b/gi, 'hello'], [/\bok(?:ay)?\b/gi, 'acceptable'], [/\blots of\b/gi, 'many'], [/\ba lot of\b/gi, 'a great deal of'],
  [/\bhot take:\s*/gi, ''], [/\bdouble-tap if this rings true, and\s+/gi, 'Please '],
];
const TO_CONTRACTED: ReadonlyArray<[RegExp, string]> = [
  [/\bcannot\b/gi, "can't"], [/\bwill not\b/gi, "won't"], [/\b(do|does|did|is|are|was|were|have|has|had|should|would|could) not\b/gi, "$1n't"],
  [/\bI am\b/g, "I'm"], [/\b(you|we|they) are\b/gi, "$1're"], [/\b(it|that|there|here|what) is\b/gi, "$1's"], [/\b(I|you|we|they) have\b/gi, "$1've"],
  [/\b(I|you|we|they) will\b/gi, "$1'll"], [/\bHello\b/g, 'Hey'],
];

const EMOJI = /\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic})*[ \t]?/gu;
const EMOJI_CHOICES = ['🚀', '💡', '✨', '🔥', '🎯'];
const MORE = [
  "Here's the thing: it rarely happens by accident. It's the result of small, deliberate choices, made again and again.",
  'It took me a while to see it. Once I did, I saw it everywhere.',
  "If I had to sum it up in one line: start small, stay consistent, and let the results speak.",
  "The hard part isn't knowing this. It's acting on it when it's inconvenient.",
];
const CALLS = ["What's your take? Tell me in the comments.", 'Would you do the same? Reply and let me know.', 'Share this with someone who needs it.'];

/** A post's last paragraph invites replies: a question, or "tell me in the comments". */
function isClosing(p: string): boolean {
  return /\?/.test(p) || /\b(?:comments?|let me know|tell me|reply|share this|tag someone)\b/i.test(p);
}

function paragraphs(body: string): string[] {
  return body.split(/\n{2,}/).filter((p) => p.trim() !== '');
}

function sentences(text: string): string[] {
  return text.match(/[^.!?…]+[.!?…]+["”’)]*\s*|[^.!?…]+$/g)?.map((s) => s.trim()).filter(Boolean) ?? [text];
}

const FILLER = /\b(?:really|very|just|actually|basically|literally|honestly|truly|simply)\s+|\b(?:I think|in my opinion|to be honest),?\s*/gi;

/** About 60% of the text: later paragraphs go first (the hook and the core stay), then sentences, then filler words. */
function shorten(d: DraftContent): DraftContent {
  const target = Math.round(postLength(d.body, d.channel) * 0.6);
  let ps = paragraphs(d.body);
  // Drop from the end, but keep a closing question while there is anything else to drop.
  while (ps.length > 2 && ps.join('\n\n').length > target) {
    const i = isClosing(ps[ps.length - 1]!) && ps.length > 3 ? ps.length - 2 : ps.length - 1;
    ps = ps.filter((_, j) => j !== i);
  }
  let body = ps.join('\n\n');
  if (body.length > target) {
    const last = ps.length - 1;
    const ss = sentences(ps[last]!);
    if (ss.length > 1) {
      const keep = Math.max(1, Math.ceil(ss.length * 0.6));
      ps[last] = ss.slice(0, keep).join(' ');
      body = ps.join('\n\n');
    }
  }
  body = body.replace(FILLER, '').replace(/ {2,}/g, ' ');
  return { ...d, body };
}

function lengthen(d: DraftContent, seed: string): DraftContent {
  const ps = paragraphs(d.body);
  const extra = MORE.find((m, i) => !d.body.includes(m) && i >= stableHash(seed) % MORE.length) ?? MORE.find((m) => !d.body.includes(m));
  if (!extra) return d;
  // Before a closing question, if there is one; else at the end.
  const at = ps.length > 1 && isClosing(ps[ps.length - 1]!) ? ps.length - 1 : ps.length;
  return { ...d, body: [...ps.slice(0, at), extra, ...ps.slice(at)].join('\n\n') };
}

function replaceAll(text: string, pairs: ReadonlyArray<[RegExp, string]>): string {
  return pairs.reduce((t, [re, to]) => t.replace(re, to), text);
}

function formal(d: DraftContent): DraftContent {
  let body = replaceAll(replaceAll(d.body, CONTRACTIONS), CASUAL_WORDS);
  body = body.replace(EMOJI, '').replace(/!+/g, '.').replace(/\.{2,}/g, '.').replace(/ +\n/g, '\n').replace(/ {2,}/g, ' ');
  // A sentence that lost its first word ("Hot take: …") or its case starts upper again.
  body = body.replace(/(^|[.?]\s+|\n)(\p{Ll})/gu, (_, pre: string, c: string) => pre + c.toUpperCase());
  return { ...d, body: body.trim() };
}

function casual(d: DraftContent, seed: string): DraftContent {
  let body = replaceAll(d.body, TO_CONTRACTED);
  if (!/\p{Extended_Pictographic}/u.test(body)) {
    const [first, ...rest] = body.split('\n');
    body = [`${first} ${EMOJI_CHOICES[stableHash(seed) % EMOJI_CHOICES.length]}`, ...rest].join('\n');
  }
  return { ...d, body };
}

/**
 * Apply `ops` to a draft; `idea` redrafts for another channel, `seed` (e.g. the revision) varies
 * what "longer" adds. The result always fits the channel's limit.
 */
export function applyEdits(d: DraftContent, ops: readonly EditOp[], idea: string, seed: string): EditResult {
  let c = d;
  const done: string[] = [];
  const notes: string[] = [];
  for (const op of ops) {
    const before = c;
    switch (op.op) {
      case 'shorter':
        c = shorten(c);
        if (c.body === before.body) notes.push('it is already as short as I can make it offline');
        else done.push('shorter');
        break;
      case 'longer': {
        const longer = fit(lengthen(c, seed));
        if (longer.body === c.body || postLength(longer.body, c.channel) <= postLength(c.body, c.channel)) notes.push(`there is no room for more within ${profileOf(c.channel).label}'s ${profileOf(c.channel).limit} characters`);
        else {
          c = longer;
          done.push('longer');
        }
        break;
      }
      case 'formal':
        c = formal(c);
        done.push('more formal');
        break;
      case 'casual':
        c = casual(c, seed);
        done.push('more casual');
        break;
      case 'add-hashtags': {
        const wanted = op.tags.length > 0 ? op.tags.map(hashtagOf).filter(Boolean) : hashtagsFor(idea, c.tags.length + 3);
        const tags = [...c.tags];
        for (const t of wanted) if (!tags.some((x) => x.toLowerCase() === t.toLowerCase())) tags.push(t);
        c = { ...c, tags };
        if (tags.length === before.tags.length) notes.push('I found no new hashtags in the idea; name them, e.g. *add hashtags #redis #devops*');
        else done.push(`hashtags ${tags.slice(before.tags.length).map((t) => `#${t}`).join(' ')} added`);
        break;
      }
      case 'remove-hashtags':
        c = { ...c, tags: [], body: c.body.replace(/(^|\s)#[\p{L}\p{N}_]+/gu, '$1').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim() };
        done.push('hashtags removed');
        break;
      case 'add-emoji': {
        const [first, ...rest] = c.body.split('\n');
        c = { ...c, body: [`${EMOJI_CHOICES[stableHash(seed + 'emoji') % EMOJI_CHOICES.length]} ${first}`, ...rest].join('\n') };
        done.push('an emoji added');
        break;
      }
      case 'remove-emoji':
        c = { ...c, body: c.body.replace(EMOJI, '').replace(/ +\n/g, '\n').replace(/ {2,}/g, ' ').trim() };
        done.push('emoji removed');
        break;
      case 'call-to-action':
        if (isClosing(paragraphs(c.body).at(-1) ?? '')) notes.push('it already ends with a call to action');
        else {
          c = { ...c, body: `${c.body}\n\n${CALLS[stableHash(seed + 'cta') % CALLS.length]}` };
          done.push('a call to action added');
        }
        break;
      case 'channel':
        c = draftFromTemplate(idea, op.channel);
        done.push(`redrafted for ${profileOf(op.channel).label}`);
        break;
      case 'title':
        c = { ...c, title: op.title, body: c.body.replace(/^(# |Subject: ).*$/m, `$1${op.title}`) };
        done.push(`title set to “${op.title}”`);
        break;
      case 'replace': {
        const re = new RegExp(op.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
        if (!re.test(c.body)) notes.push(`“${op.from}” is not in the draft`);
        else {
          c = { ...c, body: c.body.replace(re, op.to) };
          done.push(`“${op.from}” replaced`);
        }
        break;
      }
    }
  }
  return { content: fit(c), done, notes };
}
