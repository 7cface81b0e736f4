/**
 * Offline drafting: an idea becomes a post for a channel from templates. A hook line, the idea as
 * the body's core, a closing line that invites replies, hashtags from the idea's own words, all
 * within the channel's limit. Choices among templates follow a hash of the idea, so the same idea
 * drafts the same post every time (tests and redeliveries rely on it).
 */
import { profileOf, type Channel } from './channels.js';
import type { DraftContent } from './drafts.js';
import { renderPost, type Draft } from './drafts.js';
import { hashtagsFor } from './keywords.js';
import { postLength, truncate } from './length.js';

/** A small stable hash of a string (FNV-1a), for picking among templates. */
export function stableHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function pick<T>(options: readonly T[], seed: string, salt = ''): T {
  return options[stableHash(seed + salt) % options.length]!;
}

/** The idea as a sentence: first letter up, a full stop unless it already ends in punctuation. */
export function ideaSentence(idea: string): string {
  const t = idea.trim().replace(/\s+/g, ' ');
  if (t === '') return t;
  const up = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(up) ? up : `${up}.`;
}

const SMALL = new Set(['a', 'an', 'the', 'and', 'but', 'or', 'nor', 'for', 'so', 'yet', 'of', 'to', 'in', 'on', 'at', 'by', 'from', 'with', 'as', 'vs', 'via', 'into', 'over']);

/** A title from an idea: Title Case, small words lower, at most 70 characters at a word boundary. */
export function titleFor(idea: string): string {
  const words = idea.trim().replace(/[.!?…:;,]+$/u, '').split(/\s+/).filter(Boolean);
  const cased = words.map((w, i) => {
    if (/[\p{Lu}]/u.test(w.slice(1)) || /\d/.test(w)) return w; // "iPhone", "HTTP", "5k" stay as written
    const lower = w.toLowerCase();
    if (i > 0 && SMALL.has(lower)) return lower;
    return lower[0]!.toUpperCase() + lower.slice(1);
  });
  let title = '';
  for (const w of cased) {
    if ((title + ' ' + w).trim().length > 70) break;
    title = (title + ' ' + w).trim();
  }
  return title || cased.join(' ').slice(0, 70);
}

const QUESTION = /^(?:why|how|what|when|where|who|should|is|are|can|could|do|does|will|would)\b/i;

/**
 * What an idea is: a question or how-to ("why we moved to Redis Streams") is a headline the owner
 * answers; a few words ("our launch") are a topic; anything else is a statement, the post's core.
 */
export type IdeaShape = 'question' | 'topic' | 'statement';

/** The shape of an idea; see IdeaShape. */
export function ideaShape(idea: string): IdeaShape {
  const t = idea.trim();
  if (QUESTION.test(t) || /\?$/.test(t)) return 'question';
  return t.split(/\s+/).length <= 4 ? 'topic' : 'statement';
}

const HOOKS = [
  "Here's something I wish I'd learned sooner.",
  'A lesson that took me far too long to learn:',
  'I changed my mind about this one.',
  "This might be unpopular, but I'll say it anyway.",
  'One thing I keep coming back to:',
];
const CLOSERS = ["What's your experience? I'd love to hear it in the comments.", 'Agree or disagree? Tell me below. 👇', 'Have you seen the same thing? Let me know.'];
const IG_CLOSERS = ['Save this for later and share it with someone who needs it. 💬', 'Double-tap if this rings true, and tell me your take below. 💬', 'Tag someone who needs to hear this. 👇'];
const SHORT_HOOKS = ['Hot take:', 'Reminder:', 'Lesson learned:', 'Quick thought:'];

/** The idea as a headline: a question keeps its question mark, a how-to gets none. */
function headline(idea: string): string {
  const s = ideaSentence(idea);
  return /^(?:how|why)\b/i.test(idea.trim()) && !/\?\s*$/.test(idea) ? s.replace(/\.$/, '') : s.replace(/\.$/, '?');
}

/** A topic inside a sentence: "Our launch" → "our launch" (names keep their capitals). */
function inline(topic: string): string {
  const t = topic.trim().replace(/[.!?…]+$/u, '');
  return /^\p{Lu}\p{Ll}/u.test(t) && !/^\p{Lu}\p{Ll}+\s+\p{Lu}/u.test(t) ? t[0]!.toLowerCase() + t.slice(1) : t;
}

/** The opening and the core of a post: what the idea itself can say, and where the owner fills in. */
function opening(idea: string): { hook: string; core: string } {
  switch (ideaShape(idea)) {
    case 'question':
      return { hook: `${headline(idea)} 👇`, core: '[Your answer in two or three short lines: what happened, what you changed, what it gave you.]' };
    case 'topic':
      return { hook: `Let's talk about ${inline(idea)}.`, core: '[What you want to say about it: one story, one lesson.]' };
    case 'statement':
      return { hook: pick(HOOKS, idea), core: ideaSentence(idea) };
  }
}

function shortPost(idea: string, channel: Channel, tags: readonly string[]): DraftContent {
  const profile = profileOf(channel);
  const s = ideaSentence(idea);
  const title = titleFor(idea);
  const shape = ideaShape(idea);
  // Most to least preferred; the first that fits the limit wins.
  const candidates =
    shape === 'question' ? [`${headline(idea)} 🧵`, headline(idea)] : shape === 'topic' ? [`${ideaSentence(idea).replace(/\.$/, '')}: a few thoughts 🧵`, s] : [`${pick(SHORT_HOOKS, idea)} ${s}`, s];
  for (const tagCount of [tags.length, Math.min(1, tags.length), 0]) {
    const t = tags.slice(0, tagCount);
    for (const body of candidates) {
      const c: DraftContent = { channel, title, body, tags: t };
      if (postLength(renderPost(c), channel) <= profile.limit) return c;
    }
  }
  return { channel, title, body: truncate(s, profile.limit, channel), tags: [] };
}

/** Draft a post for `channel` from `idea` with templates only. */
export function draftFromTemplate(idea: string, channel: Channel): DraftContent {
  const profile = profileOf(channel);
  const tags = hashtagsFor(idea, profile.hashtags || 3);
  const title = titleFor(idea);
  const { hook, core } = opening(idea);
  const shape = ideaShape(idea);
  switch (channel) {
    case 'x':
    case 'bluesky':
    case 'threads':
    case 'mastodon':
      return shortPost(idea, channel, tags);
    case 'instagram':
      return fit({ channel, title, body: [`${hook.replace(/ 👇$/, '')} ✨`, core, pick(IG_CLOSERS, idea)].join('\n\n'), tags });
    case 'blog':
      return fit({
        channel,
        title,
        body: [
          `# ${title}`,
          shape === 'statement' ? `${hook} ${core}` : '[One paragraph: why this matters to the reader, and what they will get from reading on.]',
          '## The problem',
          '[What goes wrong, or what most people get wrong here. One concrete example.]',
          '## What changed',
          '[What you did about it, in two or three concrete steps.]',
          '## What I learned',
          '[The takeaway a reader can use tomorrow.]',
          '## Wrapping up',
          `${shape === 'statement' ? `${ideaSentence(idea)} ` : ''}If you've been through this too, I'd love to hear how it went.`,
        ].join('\n\n'),
        tags,
      });
    case 'newsletter':
      return fit({
        channel,
        title,
        body: [
          `Subject: ${title}`,
          'Hi there,',
          shape === 'question'
            ? `This week I've been chewing on one question: ${headline(idea).replace(/([^?])$/, '$1?')}`
            : shape === 'topic'
              ? `This week I want to talk about ${inline(idea)}.`
              : `This week I want to share one idea. ${ideaSentence(idea)}`,
          '[A story or an example from this week that shows it.]',
          "That's it for this issue. Hit reply and tell me what you think: I read every answer.",
          'Until next time,',
        ].join('\n\n'),
        tags,
      });
    case 'linkedin':
    case 'facebook':
      return fit({
        channel,
        title,
        body: [hook, core, ...(shape === 'statement' ? ["I keep seeing this in my own work, and I think it's worth saying out loud."] : []), pick(CLOSERS, idea)].join('\n\n'),
        tags,
      });
  }
}

/** `d` made to fit its channel's limit: hashtags go first, then paragraphs from the end, then the text is cut. */
export function fit(d: DraftContent): DraftContent {
  const { limit } = profileOf(d.channel);
  let c = d;
  if (postLength(renderPost(c), c.channel) <= limit) return c;
  while (c.tags.length > 0 && postLength(renderPost(c), c.channel) > limit) c = { ...c, tags: c.tags.slice(0, -1) };
  let paragraphs = c.body.split(/\n{2,}/);
  while (paragraphs.length > 1 && postLength(renderPost(c), c.channel) > limit) {
    paragraphs = paragraphs.slice(0, -1);
    c = { ...c, body: paragraphs.join('\n\n') };
  }
  if (postLength(renderPost(c), c.channel) > limit) c = { ...c, body: truncate(c.body, limit, c.channel), tags: [] };
  return c;
}

/** Whether a draft has offline fill-in prompts ("[A story …]") left for the owner. */
export function hasPlaceholders(d: Pick<Draft, 'body'>): boolean {
  return /^\[[^\]\n]+\]$/m.test(d.body);
}
