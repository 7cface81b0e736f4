/**
 * content: post ideas and drafts for adopter. Entities: action (draft | list | show | edit | delete |
 * publish), topic, channel, format (post | tweet | thread | article | newsletter | caption), draftId,
 * instruction (edit: "edit draft 2: shorter", "make draft 2 longer", "shorten draft 1", "draft 3 for twitter").
 */
import { match, type Rule } from '../classification.js';

const CHANNELS: Record<string, string> = {
  linkedin: 'linkedin',
  twitter: 'x',
  x: 'x',
  instagram: 'instagram',
  insta: 'instagram',
  ig: 'instagram',
  facebook: 'facebook',
  fb: 'facebook',
  blog: 'blog',
  newsletter: 'newsletter',
  mastodon: 'mastodon',
  threads: 'threads',
  bluesky: 'bluesky',
  substack: 'newsletter',
  medium: 'blog',
};
const CHANNEL = Object.keys(CHANNELS).join('|');
const FORMAT = '(?:post|tweet|thread|article|blog\\s*post|newsletter|caption|status|update|story|piece|carousel)';

const DRAFT = new RegExp(
  `^(?:(?:help\\s+me\\s+)?(?:draft|write|create|compose|make|prepare|turn\\s+(?:this|that)\\s+into|give\\s+me|come\\s+up\\s+with)\\s+(?:me\\s+)?(?:a|an|the|some|one)?\\s*(?:short\\s+|quick\\s+|long\\s+)?(?:(${CHANNEL})\\s+)?(${FORMAT})s?(?:\\s+(?:for|on)\\s+(${CHANNEL}))?\\s*(?:about|on|regarding|re|for|around|:|-)?\\s*(.*))$`,
);
const PREFIX = new RegExp(`^(?:(?:post|content|blog|tweet|thread|${CHANNEL})\\s+)?(?:idea|draft|post|tweet)\\s*(?:for\\s+(${CHANNEL})\\s*)?[:\\-]\\s*(.+)$`);
const LIST = /^(?:(?:list|show|see|view|get)\s+(?:me\s+)?)?(?:all\s+)?(?:my\s+)?(?:recent\s+|latest\s+)?(?:drafts|posts|post\s+ideas|ideas)\??$/;
// The verbs adopter reads (apps/adopter/src/domain/parse-command.ts VERBS): "make draft 2 longer" is an edit.
const ACTIONS: Record<string, string> = {
  show: 'show', open: 'show', view: 'show', read: 'show', see: 'show', display: 'show',
  edit: 'edit', change: 'edit', update: 'edit', rewrite: 'edit', revise: 'edit', shorten: 'edit', lengthen: 'edit', improve: 'edit', tweak: 'edit', make: 'edit',
  delete: 'delete', remove: 'delete', discard: 'delete', trash: 'delete', drop: 'delete', bin: 'delete',
  publish: 'publish', approve: 'publish', post: 'publish',
};
const ONE = new RegExp(`^(${Object.keys(ACTIONS).join('|')})\\s+(?:the\\s+|my\\s+)?(?:draft|post)\\s*(?:#|no\\.?\\s*|number\\s*)?(\\d+)(?:\\s*[:,\\-]?\\s*(.+))?$`);
// "draft 2: add hashtags", "draft 3 for twitter": a numbered draft and what to do to it (adopter's offline edits).
const NUMBERED_EDIT = new RegExp(`^draft\\s*(?:#|no\\.?\\s*|number\\s*)?(\\d+)(?:\\s*[:,\\-]\\s*(.+)|\\s+((?:for|as|into)\\s+(?:a\\s+|an\\s+)?(?:${CHANNEL})(?:\\s+(?:post|version|one))?))$`);
// "an instagram post about x" after "idea:": the topic starts after it.
const TOPIC_LEAD = new RegExp(`^(?:an?\\s+)?(?:${CHANNEL}\\s+)?${FORMAT}s?\\s+(?:about|on|regarding)\\s+`);

/** Drafting a post, and listing, showing, editing or deleting drafts. */
export const contentRule: Rule = (t) => {
  let m = ONE.exec(t);
  if (m) {
    const verb = m[1] ?? 'show';
    const action = ACTIONS[verb] ?? 'show';
    const rest = m[3];
    return match('content.one', 'content', 0.95, {
      action,
      draftId: Number(m[2]),
      // "shorten draft 1": the verb is the instruction; "make draft 2 longer": only the rest is.
      instruction: action === 'edit' ? (verb === 'edit' || verb === 'change' || verb === 'update' || verb === 'make' ? rest : [verb, rest].filter(Boolean).join(' ')) : undefined,
    });
  }
  m = NUMBERED_EDIT.exec(t);
  if (m) return match('content.edit', 'content', 0.95, { action: 'edit', draftId: Number(m[1]), instruction: (m[2] ?? m[3])?.trim() });
  if (LIST.test(t)) return match('content.list', 'content', 0.9, { action: 'list' });
  m = PREFIX.exec(t);
  if (m) {
    const topic = (m[2] ?? '').replace(TOPIC_LEAD, '');
    return match('content.idea', 'content', 0.9, { action: 'draft', channel: channel(m[1]), topic });
  }
  m = DRAFT.exec(t);
  if (m) {
    const format = (m[2] ?? 'post').replace(/\s+/g, '');
    return match('content.draft', 'content', 0.9, {
      action: 'draft',
      channel: channel(m[1] ?? m[3]) ?? (format === 'tweet' || format === 'thread' ? 'x' : format === 'blogpost' || format === 'article' ? 'blog' : format === 'newsletter' ? 'newsletter' : undefined),
      format: format === 'blogpost' ? 'article' : format,
      topic: m[4]?.trim() || undefined,
    });
  }
  return undefined;
};

function channel(word: string | undefined): string | undefined {
  return word === undefined ? undefined : CHANNELS[word];
}
