/** Reading adopter's commands from iris's entities, and from the words where those are missing. */
import { describe, expect, it } from 'vitest';
import { parseContentCommand, type ContentCommand } from '../src/domain/parse-command.js';

type E = Record<string, string | number | boolean>;

describe('with the entities iris emits', () => {
  const cases: Array<[string, E, ContentCommand]> = [
    ['idea: why small teams ship faster', { action: 'draft', topic: 'why small teams ship faster' }, { action: 'draft', idea: 'why small teams ship faster' }],
    ['draft a linkedin post about remote work', { action: 'draft', channel: 'linkedin', format: 'post', topic: 'remote work' }, { action: 'draft', idea: 'remote work', channel: 'linkedin' }],
    ['write a tweet about redis streams', { action: 'draft', channel: 'x', format: 'tweet', topic: 'redis streams' }, { action: 'draft', idea: 'redis streams', channel: 'x' }],
    ['post idea for instagram: morning coffee ritual', { action: 'draft', channel: 'instagram', topic: 'morning coffee ritual' }, { action: 'draft', idea: 'morning coffee ritual', channel: 'instagram' }],
    ['draft a newsletter about our launch', { action: 'draft', channel: 'newsletter', format: 'newsletter', topic: 'our launch' }, { action: 'draft', idea: 'our launch', channel: 'newsletter' }],
    ['write an article about testing', { action: 'draft', format: 'article', topic: 'testing' }, { action: 'draft', idea: 'testing', channel: 'blog' }],
    ['draft a post for mastodon about X', { action: 'draft', channel: 'mastodon', topic: 'X' }, { action: 'draft', idea: 'X', channel: 'mastodon' }],
    ['list my drafts', { action: 'list' }, { action: 'list' }],
    ['show draft 2', { action: 'show', draftId: 2 }, { action: 'show', number: 2 }],
    ['edit draft 2: make it shorter', { action: 'edit', draftId: 2, instruction: 'make it shorter' }, { action: 'edit', number: 2, instruction: 'make it shorter' }],
    ['shorten draft 3', { action: 'edit', draftId: 3, instruction: 'shorten' }, { action: 'edit', number: 3, instruction: 'shorten' }],
    ['edit draft 1 more formal', { action: 'edit', draftId: 1, instruction: 'more formal' }, { action: 'edit', number: 1, instruction: 'more formal' }],
    ['delete draft 1', { action: 'delete', draftId: 1 }, { action: 'delete', number: 1 }],
    ['publish draft 1', { action: 'publish', draftId: 1 }, { action: 'publish', number: 1 }],
    // What a model might send: the number as text, or no topic but the words have it.
    ['show draft #4', { action: 'show', draftId: '#4' }, { action: 'show', number: 4 }],
    ['draft a tweet about shipping on Fridays', { action: 'draft' }, { action: 'draft', idea: 'shipping on Fridays', channel: 'x' }],
    // iris's undo for content: "delete the last draft" by name, or a bare "undo" routed here.
    ['delete the last draft', { action: 'delete', last: true }, { action: 'delete-last' }],
    ['undo', { action: 'delete', last: true }, { action: 'undo' }],
    ['oops', { action: 'delete', last: true }, { action: 'undo' }],
    ['edit draft 2', { action: 'edit', draftId: 2 }, { action: 'unclear', missing: 'instruction' }],
    ['edit it', { action: 'edit', instruction: 'shorter' }, { action: 'unclear', missing: 'number' }],
    ['draft a post', { action: 'draft', format: 'post' }, { action: 'unclear', missing: 'idea' }],
  ];
  it.each(cases)('%j %j', (text, entities, expected) => expect(parseContentCommand(text, entities)).toEqual(expected));
});

describe('from the words alone', () => {
  const cases: Array<[string, ContentCommand]> = [
    // No iris rule reads "make draft 2 longer" today; a model may route it here.
    ['make draft 2 longer', { action: 'edit', number: 2, instruction: 'longer' }],
    ['shorten draft 3', { action: 'edit', number: 3, instruction: 'shorten' }],
    ['rewrite post #5: more casual', { action: 'edit', number: 5, instruction: 'rewrite more casual' }],
    ['Edit draft 2: add hashtags #redis #devops', { action: 'edit', number: 2, instruction: 'add hashtags #redis #devops' }],
    ['trash draft 7', { action: 'delete', number: 7 }],
    ['open post 1', { action: 'show', number: 1 }],
    ['drafts', { action: 'list' }],
    ['idea: "Why we write tests first."', { action: 'draft', idea: 'Why we write tests first' }],
    ['tweet idea: coffee is a build tool', { action: 'draft', idea: 'coffee is a build tool', channel: 'x' }],
    ['write a blog post on event sourcing', { action: 'draft', idea: 'event sourcing', channel: 'blog' }],
    ['compose a linkedin post for twitter about hiring', { action: 'draft', idea: 'hiring', channel: 'linkedin' }],
    ['what is this', { action: 'unclear', missing: 'everything' }],
  ];
  it.each(cases)('%j', (text, expected) => expect(parseContentCommand(text)).toEqual(expected));
});
