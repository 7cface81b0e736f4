/**
 * What adopter asks a model, per channel, and how it reads the answer back into a draft. The model
 * writes; adopter still owns the limits: an answer that is empty or cannot be fitted is refused, and
 * the caller falls back to the templates.
 */
import { profileOf, type Channel, type ChannelProfile } from './channels.js';
import type { DraftContent } from './drafts.js';
import { renderPost } from './drafts.js';
import { postLength } from './length.js';
import { fit, titleFor } from './templates.js';

/** The system prompt every draft and edit shares. */
export const SYSTEM_PROMPT = [
  'You write social media posts, blog posts and newsletters for one person, in their voice: clear, concrete, warm, no clichés,',
  'no invented facts, numbers, names or quotes. Where a story or an example is needed and the idea does not give one, write',
  'a bracketed prompt for the author instead, like [an example from your week].',
  'Answer with the post only, in exactly this format:',
  'Title: <a short title>',
  '',
  '<the post>',
].join('\n');

const GUIDE: Record<Channel, (p: ChannelProfile) => string> = {
  linkedin: (p) => `a LinkedIn post of 80 to 200 words: a one-line hook, short paragraphs, a question to the reader at the end, then ${p.hashtags} hashtags on the last line`,
  x: (p) => `one post for X (Twitter): at most 260 characters including ${p.hashtags} hashtags at the end (emoji count double); one strong line, then the point; no thread`,
  instagram: (p) => `an Instagram caption of 50 to 150 words: a hook line, short lines, a few emoji, a call to action, then ${p.hashtags} hashtags at the end`,
  blog: () => 'a blog post in Markdown of 500 to 800 words: a "# " heading, an introduction, three "## " sections, a conclusion; no hashtags',
  newsletter: () => 'a newsletter issue of 200 to 400 words: the first line "Subject: <subject>", a friendly greeting, the story, one takeaway, a sign-off; no hashtags',
  threads: (p) => `a Threads post of at most 450 characters, conversational, with ${p.hashtags} hashtag at the end`,
  bluesky: (p) => `a Bluesky post of at most 280 characters with ${p.hashtags} hashtags at the end`,
  mastodon: (p) => `a Mastodon post of at most 450 characters with ${p.hashtags} CamelCase hashtags at the end`,
  facebook: (p) => `a Facebook post of 50 to 150 words, friendly, ending with a question, with ${p.hashtags} hashtags at the end`,
};

/** The prompt for drafting `idea` for `channel`. */
export function draftPrompt(idea: string, channel: Channel): string {
  const p = profileOf(channel);
  return `Write ${GUIDE[channel](p)}. Hard limit: ${p.limit} characters.\n\nThe idea, in the author's words:\n${idea}`;
}

/** The prompt for revising a post by the owner's instruction. */
export function editPrompt(post: string, instruction: string, channel: Channel): string {
  const p = profileOf(channel);
  return [
    `Revise this ${p.label} post as the author asks. Keep what they did not ask to change. It must stay ${GUIDE[channel](p)}. Hard limit: ${p.limit} characters.`,
    '',
    `The author's instruction: ${instruction}`,
    '',
    'The post:',
    post,
  ].join('\n');
}

/**
 * A model's answer as draft content for `channel`: the "Title:" line (or a Markdown heading) as the
 * title, a last line of only hashtags as the tags, the rest as the body, fitted to the limit.
 * Undefined when nothing usable is left.
 */
export function parseModelPost(answer: string, channel: Channel, idea: string): DraftContent | undefined {
  let text = answer.trim().replace(/^```[\w-]*\n([\s\S]*?)\n?```$/, '$1').trim();
  let title: string | undefined;
  const t = /^\s*\**(?:title|headline)\**\s*:\s*(.+)\n?/i.exec(text);
  if (t) {
    title = t[1]!.replace(/^["“*]+|["”*]+$/g, '').trim();
    text = text.slice(t[0].length).trim();
  }
  if (!title) title = /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? /^Subject:\s*(.+)$/im.exec(text)?.[1]?.trim();
  const lines = text.split('\n');
  let tags: string[] = [];
  const last = lines[lines.length - 1]?.trim() ?? '';
  if (profileOf(channel).hashtags > 0 && /^(?:#[\p{L}\p{N}_]+[\s,]*)+$/u.test(last)) {
    tags = (last.match(/#[\p{L}\p{N}_]+/gu) ?? []).map((x) => x.slice(1));
    lines.pop();
  }
  const body = lines.join('\n').trim();
  if (body === '') return undefined;
  const content = fit({ channel, title: title || titleFor(idea), body, tags });
  // Fitting cut the model's text mid-thought: the templates do better than half a post.
  if (postLength(renderPost(content), channel) > profileOf(channel).limit || (content.body.endsWith('…') && !body.endsWith('…'))) return undefined;
  return content;
}
