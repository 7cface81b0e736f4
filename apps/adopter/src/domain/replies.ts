/** Everything adopter says back, as WhatsApp text. */
import { dayIn, shortDate } from '@hive/agent';
import { profileOf, type Channel } from './channels.js';
import { renderPost, type Draft } from './drafts.js';
import { postLength } from './length.js';
import { hasPlaceholders } from './templates.js';

function lengthNote(d: Draft): string {
  const p = profileOf(d.channel);
  const n = postLength(renderPost(d), d.channel);
  return p.limit <= 3000 ? `${n}/${p.limit} chars` : `${n} chars`;
}

function header(d: Draft, verb: string): string {
  return `✍️ ${verb} #${d.number} for ${profileOf(d.channel).label} (rev ${d.revision}, ${lengthNote(d)}${d.draftedBy === 'llm' ? ', by the model' : ''}):`;
}

function footer(d: Draft): string {
  const fill = hasPlaceholders(d) ? 'Fill in the [brackets], or set OPENAI_API_KEY for a full draft. ' : '';
  return `${fill}Say *edit draft ${d.number}: shorter*, *show draft ${d.number}* or *delete draft ${d.number}*.`;
}

/** The reply to a new draft: the post itself, ready to copy, between a header and what to do next. */
export function draftedReply(d: Draft): string {
  return [header(d, 'Draft'), '', renderPost(d), '', footer(d)].join('\n');
}

/** The reply to an edit: what changed (and what could not be done), then the post. */
export function editedReply(d: Draft, done: readonly string[], notes: readonly string[]): string {
  const head = done.length > 0 ? `${header(d, 'Draft').slice(0, -1)} — ${done.join(', ')}:` : header(d, 'Draft');
  return [head, '', renderPost(d), '', ...(notes.length > 0 ? [`(Not done: ${notes.join('; ')}.)`] : []), footer(d)].join('\n');
}

/** One draft in full. */
export function showReply(d: Draft): string {
  const idea = d.idea.length > 300 ? `${d.idea.slice(0, 299)}…` : d.idea;
  return [header(d, 'Draft'), `Idea: ${idea}`, '', renderPost(d), '', footer(d)].join('\n');
}

/** The chat's drafts, newest first, one line each. */
export function listReply(drafts: readonly Draft[], today: string, timeZone: string): string {
  if (drafts.length === 0) return 'No drafts yet. Try *draft a linkedin post about why small teams ship faster*.';
  const lines = drafts.map((d) => `#${d.number} ${profileOf(d.channel).label} · “${d.title || d.idea}” · rev ${d.revision} · ${shortDate(dayIn(new Date(d.updatedAt), timeZone), today)}`);
  return ['🗂️ Your drafts:', ...lines, 'Say *show draft N*, *edit draft N: …* or *delete draft N*.'].join('\n');
}

/** The confirmation for a deleted draft (a number alone when a redelivery finds it already gone). */
export function deletedReply(d: Draft | number): string {
  return typeof d === 'number' ? `🗑️ Deleted draft #${d}.` : `🗑️ Deleted draft #${d.number} (${profileOf(d.channel).label}: “${d.title || d.idea}”).`;
}

/** The reply to an undo that reverted an edit. */
export function revertedReply(d: Draft, to: number): string {
  return editedReply(d, [`back to rev ${to}`], []);
}

/** Nothing to undo or delete. */
export const NOTHING_TO_UNDO = 'No drafts yet, so nothing to undo.';

/** No draft has that number in this chat. */
export function noSuchDraftReply(number: number): string {
  return `There is no draft #${number}. Say *list drafts* to see their numbers.`;
}

/** adopter drafts; it does not post on the owner's accounts. */
export function publishReply(d: Draft): string {
  return `I don't post on your accounts: copy draft #${d.number} from here and post it on ${profileOf(d.channel).label}.\n\n${renderPost(d)}`;
}

/** The offline edits, for an instruction adopter could not read without a model. */
export function cannotEditReply(number: number, unknown: readonly string[]): string {
  return [
    `I can't do “${unknown.join(', ')}” offline (set OPENAI_API_KEY for free-form edits). Offline I can make draft #${number}:`,
    '*shorter* · *longer* · *more formal* · *more casual* · *add hashtags* (or *add hashtags #redis #devops*) · *remove hashtags* · *add emoji* · *remove emoji* · *add a call to action* · *for twitter* (or another channel) · *title: …* · *replace “a” with “b”*',
  ].join('\n');
}

/** What was missing from a request adopter could not act on. */
export function unclearReply(missing: 'idea' | 'number' | 'instruction' | 'everything', channels: readonly Channel[] = ['linkedin', 'x', 'instagram', 'blog', 'newsletter']): string {
  switch (missing) {
    case 'idea':
      return 'What should the post be about? Try *draft a linkedin post about why small teams ship faster* or *idea: …*';
    case 'number':
      return 'Which draft? Say *list drafts* to see their numbers, then e.g. *show draft 2*.';
    case 'instruction':
      return 'How should I change it? E.g. *edit draft 2: make it shorter* or *edit draft 2: more formal*.';
    case 'everything':
      return `I turn ideas into posts for ${channels.map((c) => profileOf(c).label).join(', ')}. Try *draft a tweet about …*, *list drafts*, *show draft 2*, *edit draft 2: shorter*, *delete draft 2*.`;
  }
}
