/**
 * content: post ideas and drafts for adopter. Entities: action (draft | list | show | edit | delete |
 * publish), topic, channel, format (post | tweet | thread | article | newsletter | caption), draftId,
 * instruction (edit).
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
const ONE =
  /^(show|open|view|read|see|edit|change|update|rewrite|revise|shorten|improve|delete|remove|discard|trash|drop|publish|approve|post)\s+(?:the\s+|my\s+)?(?:draft|post)\s*(?:#|no\.?\s*|number\s*)?(\d+)(?:\s*[:,\-]?\s*(.+))?$/;

const ACTIONS: Record<string, string> = {
  show: 'show', open: 'show', view: 'show', read: 'show', see: 'show',
  edit: 'edit', change: 'edit', update: 'edit', rewrite: 'edit', revise: 'edit', shorten: 'edit', improve: 'edit',
  delete: 'delete', remove: 'delete', discard: 'delete', trash: 'delete', drop: 'delete',
  publish: 'publish', approve: 'publish', post: 'publish',
};

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
      instruction: action === 'edit' ? (verb === 'edit' || verb === 'change' || verb === 'update' ? rest : [verb, rest].filter(Boolean).join(' ')) : undefined,
    });
  }
  if (LIST.test(t)) return match('content.list', 'content', 0.9, { action: 'list' });
  m = PREFIX.exec(t);
  if (m) {
    const topic = (m[2] ?? '').replace(new RegExp(`^(?:an?\\s+)?(?:${CHANNEL}\\s+)?${FORMAT}s?\\s+(?:about|on|regarding)\\s+`), '');
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
