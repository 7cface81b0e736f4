/**
 * What the owner asks of adopter, from iris's entities (action, topic, channel, format, draftId,
 * instruction) and, where those are missing, from the words ("make draft 2 longer" reaches no iris
 * rule today, but a model may route it here).
 */
import { entityNumber, entityText, type Entities } from '@hive/agent';
import { channelOf, CHANNEL_WORDS, type Channel } from './channels.js';

export type ContentCommand =
  | { readonly action: 'draft'; readonly idea: string; readonly channel?: Channel }
  | { readonly action: 'list' }
  | { readonly action: 'show'; readonly number: number }
  | { readonly action: 'edit'; readonly number: number; readonly instruction: string }
  | { readonly action: 'delete'; readonly number: number }
  | { readonly action: 'publish'; readonly number: number }
  /** "delete the last draft": the newest draft goes. */
  | { readonly action: 'delete-last' }
  /** "undo", "oops": the last change is taken back (an edit reverted, or a new draft deleted). */
  | { readonly action: 'undo' }
  | { readonly action: 'unclear'; readonly missing: 'idea' | 'number' | 'instruction' | 'everything' };


const CHANNEL_RE = CHANNEL_WORDS.filter((w) => w.length > 2 || w === 'x' || w === 'ig' || w === 'fb').map((w) => w.replace(/\s+/g, '\\s+')).join('|');
const FORMAT = '(?:post|tweet|thread|article|blog\\s*post|newsletter(?:\\s+issue)?|caption|status|update|piece|carousel)';
const VERBS: Record<string, 'show' | 'edit' | 'delete' | 'publish'> = {
  show: 'show', open: 'show', view: 'show', read: 'show', see: 'show', display: 'show',
  edit: 'edit', change: 'edit', update: 'edit', rewrite: 'edit', revise: 'edit', shorten: 'edit', lengthen: 'edit', improve: 'edit', tweak: 'edit', make: 'edit',
  delete: 'delete', remove: 'delete', discard: 'delete', trash: 'delete', drop: 'delete', bin: 'delete',
  publish: 'publish', approve: 'publish', post: 'publish',
};
const ONE = new RegExp(`^(${Object.keys(VERBS).join('|')})\\s+(?:the\\s+|my\\s+)?(?:draft|post)\\s*(?:#|no\\.?\\s*|number\\s*)?(\\d+)(?:\\s*[:,\\-]?\\s*([\\s\\S]+))?$`, 'i');
const LIST = /^(?:(?:list|show|see|view|get)\s+(?:me\s+)?)?(?:all\s+)?(?:my\s+)?(?:recent\s+|latest\s+)?(?:drafts|posts|post\s+ideas)\??$/i;
const DRAFT = new RegExp(
  `^(?:(?:help\\s+me\\s+)?(?:draft|write|create|compose|prepare|turn\\s+(?:this|that)\\s+into|give\\s+me|come\\s+up\\s+with)\\s+(?:me\\s+)?(?:a|an|the|some|one)?\\s*(?:short\\s+|quick\\s+|long\\s+)?(?:(${CHANNEL_RE})\\s+)?(${FORMAT})s?(?:\\s+(?:for|on)\\s+(${CHANNEL_RE}))?\\s*(?:about|on|regarding|re|around|:|-)?\\s*([\\s\\S]*))$`,
  'i',
);
const IDEA = new RegExp(`^(?:(post|content|blog|tweet|${CHANNEL_RE})\\s+)?(?:idea|draft|post|tweet)\\s*(?:for\\s+(${CHANNEL_RE})\\s*)?[:\\-]\\s*([\\s\\S]+)$`, 'i');

// What iris sends on as a bare undo ("undo", "oops") for the agent last written to, with action "delete".
const BARE_UNDO = /^(?:undo(?:\s+(?:that|it|the\s+last\s+one|last\s+(?:one|entry|edit|change)))?|oops|whoops|scratch\s+that|that\s+was\s+(?:wrong|a\s+mistake)|my\s+bad|never\s*mind(?:\s+that)?)[.!]?$/i;
const DELETE_LAST = /^(?:delete|remove|discard|trash|drop|scrap|bin)\s+(?:the\s+|my\s+|that\s+)?(?:last|latest|newest)\s+(?:draft|post)[.!]?$/i;

/** The channel a format implies when none is named: a tweet is for X, an article for the blog. */
function channelOfFormat(format: string | undefined): Channel | undefined {
  const f = format?.toLowerCase().replace(/\s+/g, '');
  if (f === 'tweet' || f === 'thread') return 'x';
  if (f === 'article' || f === 'blogpost') return 'blog';
  if (f === 'newsletter' || f === 'newsletterissue') return 'newsletter';
  if (f === 'caption' || f === 'carousel') return 'instagram';
  return undefined;
}

/** Tidy an idea: no surrounding quotes, no leading "about", no trailing full stop. */
function tidyIdea(idea: string): string {
  return idea.trim().replace(/^["“'](.*)["”']$/s, '$1').replace(/^(?:about|on|regarding)\s+/i, '').replace(/[.\s]+$/, '').trim();
}

/** Read one command from a classified message; "unclear" says what was missing. */
export function parseContentCommand(text: string, entities: Entities = {}): ContentCommand {
  const said = text.trim();
  const action = entityText(entities, 'action')?.toLowerCase();
  const number = entityNumber(entities, 'draftId') ?? entityNumber(entities, 'number');
  const one = ONE.exec(said);
  if (BARE_UNDO.test(said) || action === 'undo') return { action: 'undo' };
  if (DELETE_LAST.test(said) || (action === 'delete' && number === undefined && !one && entities.last === true)) return { action: 'delete-last' };
  switch (action) {
    case 'list':
      return { action: 'list' };
    case 'show':
    case 'delete':
    case 'publish': {
      const n = number ?? (one ? Number(one[2]) : undefined);
      return n === undefined ? { action: 'unclear', missing: 'number' } : { action, number: n };
    }
    case 'edit': {
      const n = number ?? (one ? Number(one[2]) : undefined);
      const instruction = entityText(entities, 'instruction') ?? one?.[3]?.trim() ?? (one && one[1]!.toLowerCase() !== 'edit' ? one[1]! : undefined);
      if (n === undefined) return { action: 'unclear', missing: 'number' };
      return instruction ? { action: 'edit', number: n, instruction } : { action: 'unclear', missing: 'instruction' };
    }
    case 'draft': {
      const words = fromWords(said);
      const idea = tidyIdea(entityText(entities, 'topic') ?? (words?.action === 'draft' ? words.idea : ''));
      const channel = channelOf(entityText(entities, 'channel')) ?? channelOfFormat(entityText(entities, 'format')) ?? (words?.action === 'draft' ? words.channel : undefined);
      return idea === '' ? { action: 'unclear', missing: 'idea' } : { action: 'draft', idea, ...(channel ? { channel } : {}) };
    }
    default:
      return fromWords(said) ?? { action: 'unclear', missing: 'everything' };
  }
}

/** The same commands read from the words alone. */
function fromWords(said: string): ContentCommand | undefined {
  const one = ONE.exec(said);
  if (one) {
    const verb = one[1]!.toLowerCase();
    const action = VERBS[verb] ?? 'show';
    const n = Number(one[2]);
    if (action !== 'edit') return { action, number: n };
    // "shorten draft 2", "make draft 2 longer": the verb is (part of) the instruction.
    const rest = one[3]?.trim();
    const instruction = verb === 'edit' || verb === 'change' || verb === 'update' ? rest : [verb === 'make' ? '' : verb, rest].filter(Boolean).join(' ');
    return instruction ? { action: 'edit', number: n, instruction } : { action: 'unclear', missing: 'instruction' };
  }
  if (LIST.test(said)) return { action: 'list' };
  const idea = IDEA.exec(said);
  if (idea) {
    const channel = channelOf(idea[2]?.replace(/\s+/g, ' ')) ?? channelOf(idea[1]?.replace(/\s+/g, ' '));
    const text = tidyIdea(idea[3] ?? '');
    return text === '' ? { action: 'unclear', missing: 'idea' } : { action: 'draft', idea: text, ...(channel ? { channel } : {}) };
  }
  const d = DRAFT.exec(said);
  if (d) {
    const channel = channelOf((d[1] ?? d[3])?.replace(/\s+/g, ' ')) ?? channelOfFormat(d[2]);
    const text = tidyIdea(d[4] ?? '');
    return text === '' ? { action: 'unclear', missing: 'idea' } : { action: 'draft', idea: text, ...(channel ? { channel } : {}) };
  }
  return undefined;
}
