/**
 * adopter, content: an idea becomes a drafted post for a channel (LinkedIn, X, Instagram, a blog, a
 * newsletter, …) from templates offline or by the model when one is configured; drafts are kept per
 * chat in the bus's Redis to list, show, edit and delete.
 */
import { defineAgent, setupValue } from '@hive/agent';
import { createDraftStore, type DraftStore } from './draft-store.js';
import { adopterConfig } from './config.js';
import { onIntentClassified } from './handlers/intent-classified.js';

export interface AdopterOptions {
  /** The clock "today" is read from (dates in lists). @defaultValue () => new Date() */
  readonly now?: () => Date;
}

/** An adopter definition with its own clock; `adopter` below is the one the process runs. */
export function createAdopter(options: AdopterOptions = {}) {
  const now = options.now ?? (() => new Date());
  const store = setupValue<DraftStore>('adopter draft store');

  return defineAgent({
    name: 'adopter',
    version: '0.1.0',
    description: 'Turns ideas into drafted posts for LinkedIn, X, Instagram, a blog or a newsletter, and keeps the drafts.',
    skills: [
      {
        name: 'draft a post',
        description: 'Drafts a post from an idea for a channel (LinkedIn unless you name one), within its length limit, with hashtags',
        examples: ['draft a linkedin post about why small teams ship faster', 'write a tweet about redis streams', 'idea: remote work made me a better writer', 'draft a newsletter about our launch'],
      },
      { name: 'list drafts', description: 'Lists your drafts, newest first', examples: ['list my drafts'] },
      { name: 'show a draft', description: 'Shows a draft in full, ready to copy', examples: ['show draft 2'] },
      {
        name: 'edit a draft',
        description: 'Revises a draft: shorter, longer, more formal or casual, hashtags, emoji, another channel (anything, with a model)',
        examples: ['edit draft 2: make it shorter', 'edit draft 2: more formal, add hashtags', 'edit draft 1: for twitter'],
      },
      { name: 'delete a draft', description: 'Deletes a draft by its number, or the newest', examples: ['delete draft 2', 'delete the last draft'] },
      { name: 'undo', description: 'Takes back the last change: reverts an edit, or deletes a new draft', examples: ['undo'] },
    ],
    config: adopterConfig,
    // What iris routes here: the registry carries these, so iris and atlas know who serves what.
    intents: [
      { name: 'content', description: 'Drafting social posts from ideas, and managing the drafts', examples: ['draft a post about my 5k run', 'list my drafts', 'edit draft 2: shorter'] },
    ],
    reads: {
      'intent.classified': { 'intent.classified': (message, ctx) => onIntentClassified(message, ctx, { now, store: store.get }) },
    },
    writes: ['content.drafted', 'wa.outbound'],
    start(ctx) {
      return store.open(createDraftStore(ctx.bus.driver, ctx.bus.keys));
    },
  });
}

/** The adopter the process runs. */
export const adopter = createAdopter();
