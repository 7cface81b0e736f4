/** Offline edits: reading instructions into operations, and what each operation does to a draft. */
import { describe, expect, it } from 'vitest';
import { renderPost, type DraftContent } from '../src/domain/drafts.js';
import { applyEdits, parseEdit, type EditOp } from '../src/domain/edits.js';
import { postLength } from '../src/domain/length.js';
import { parseModelPost } from '../src/domain/llm-prompts.js';
import { draftFromTemplate } from '../src/domain/templates.js';

describe('parseEdit', () => {
  const cases: Array<[string, EditOp[], string[]]> = [
    ['make it shorter', [{ op: 'shorter' }], []],
    ['shorten', [{ op: 'shorter' }], []],
    ['shorter and more formal', [{ op: 'shorter' }, { op: 'formal' }], []],
    ['longer, more casual, add emoji', [{ op: 'longer' }, { op: 'casual' }, { op: 'add-emoji' }], []],
    ['add hashtags', [{ op: 'add-hashtags', tags: [] }], []],
    ['add hashtags #redis #DevOps', [{ op: 'add-hashtags', tags: ['redis', 'DevOps'] }], []],
    ['no hashtags', [{ op: 'remove-hashtags' }], []],
    ['remove the emojis', [{ op: 'remove-emoji' }], []],
    ['end with a question', [{ op: 'call-to-action' }], []],
    ['for twitter', [{ op: 'channel', channel: 'x' }], []],
    ['make it an instagram post', [{ op: 'channel', channel: 'instagram' }], []],
    ['title: Streams beat HTTP', [{ op: 'title', title: 'Streams beat HTTP' }], []],
    ['replace "queue" with "message bus"', [{ op: 'replace', from: 'queue', to: 'message bus' }], []],
    ['less emojis and punchier', [{ op: 'remove-emoji' }, { op: 'shorter' }], []],
    ['rewrite for linkedin', [{ op: 'channel', channel: 'linkedin' }], []],
    ['make it rhyme', [], ['rhyme']],
    ['more formal and mention our CTO', [{ op: 'formal' }], ['mention our CTO']],
  ];
  it.each(cases)('%j', (instruction, ops, unknown) => expect(parseEdit(instruction)).toEqual({ ops, unknown }));
});

const IDEA = 'small teams ship faster because they talk more';
const linkedin = draftFromTemplate(IDEA, 'linkedin');

describe('applyEdits', () => {
  it('shortens by dropping later paragraphs, keeping the hook, the core and the closing question', () => {
    const { content, done } = applyEdits(linkedin, [{ op: 'shorter' }], IDEA, 's');
    expect(done).toEqual(['shorter']);
    expect(content.body.length).toBeLessThan(linkedin.body.length);
    const ps = content.body.split('\n\n');
    expect(ps[1]).toBe('Small teams ship faster because they talk more.');
    expect(ps).not.toContain("I keep seeing this in my own work, and I think it's worth saying out loud.");
  });

  it('says when there is nothing left to shorten', () => {
    const one: DraftContent = { channel: 'x', title: 't', body: 'Ship it.', tags: [] };
    expect(applyEdits(one, [{ op: 'shorter' }], 'ship it', 's')).toEqual({ content: one, done: [], notes: ['it is already as short as I can make it offline'] });
  });

  it('lengthens before the closing question, and differently each revision', () => {
    const a = applyEdits(linkedin, [{ op: 'longer' }], IDEA, 'rev1').content;
    const ps = a.body.split('\n\n');
    expect(ps.length).toBe(linkedin.body.split('\n\n').length + 1);
    expect(ps[ps.length - 1]).toBe(linkedin.body.split('\n\n').at(-1));
    const b = applyEdits(a, [{ op: 'longer' }], IDEA, 'rev2').content;
    expect(new Set(b.body.split('\n\n')).size).toBe(b.body.split('\n\n').length);
  });

  it('will not make an X post longer than 280', () => {
    const full: DraftContent = { channel: 'x', title: 't', body: 'a '.repeat(135).trim(), tags: [] };
    const r = applyEdits(full, [{ op: 'longer' }], 'a', 's');
    expect(r.done).toEqual([]);
    expect(r.notes[0]).toMatch(/no room for more within X's 280 characters/);
  });

  it('makes it formal: no contractions, no slang, no emoji, no exclamations', () => {
    const casual: DraftContent = { channel: 'linkedin', title: 't', body: "Hot take: we're gonna ship this stuff today! 🚀\n\nIt's awesome, can't wait.", tags: [] };
    const { content } = applyEdits(casual, [{ op: 'formal' }], 'x', 's');
    expect(content.body).toBe('We are going to ship these things today.\n\nIt is excellent, cannot wait.');
  });

  it('reads “I’d” as “I had” before a past participle, else as “I would”', () => {
    const d: DraftContent = { channel: 'linkedin', title: 't', body: "I wish I'd learned it sooner. I'd love to hear yours, and they'd been right.", tags: [] };
    expect(applyEdits(d, [{ op: 'formal' }], 'x', 's').content.body).toBe('I wish I had learned it sooner. I would love to hear yours, and they had been right.');
  });

  it('makes it casual: contractions and one emoji', () => {
    const { content } = applyEdits({ channel: 'linkedin', title: 't', body: 'I am sure it is not hard.\n\nWe will see.', tags: [] }, [{ op: 'casual' }], 'x', 's');
    expect(content.body).toMatch(/^I'm sure it isn't hard\. \p{Extended_Pictographic}\n\nWe'll see\.$/u);
  });

  it('adds hashtags from the idea or as named, and removes them', () => {
    const named = applyEdits(linkedin, [{ op: 'add-hashtags', tags: ['DevOps', 'smallteams'] }], IDEA, 's');
    expect(named.content.tags).toEqual([...linkedin.tags, 'DevOps']);
    const none = applyEdits({ ...linkedin, body: `${linkedin.body} #inline` }, [{ op: 'remove-hashtags' }], IDEA, 's');
    expect(none.content.tags).toEqual([]);
    expect(renderPost(none.content)).not.toContain('#');
  });

  it('redrafts for another channel, within its limit', () => {
    const { content, done } = applyEdits(linkedin, [{ op: 'channel', channel: 'x' }], IDEA, 's');
    expect(done).toEqual(['redrafted for X']);
    expect(content.channel).toBe('x');
    expect(postLength(renderPost(content), 'x')).toBeLessThanOrEqual(280);
  });

  it('replaces words and sets the title, or says what it could not find', () => {
    const blog = draftFromTemplate('how to test event-driven systems without mocks', 'blog');
    const t = applyEdits(blog, [{ op: 'title', title: 'Tests without mocks' }], 'x', 's').content;
    expect(t.title).toBe('Tests without mocks');
    expect(t.body.startsWith('# Tests without mocks\n')).toBe(true);
    const r = applyEdits(linkedin, [{ op: 'replace', from: 'TEAMS', to: 'crews' }, { op: 'replace', from: 'zebra', to: 'x' }], IDEA, 's');
    expect(r.content.body).toContain('Small crews ship faster');
    expect(r.notes).toEqual(['“zebra” is not in the draft']);
  });

  it('adds a call to action unless the post already ends with one', () => {
    const plain: DraftContent = { channel: 'linkedin', title: 't', body: 'We shipped.', tags: [] };
    expect(applyEdits(plain, [{ op: 'call-to-action' }], 'x', 's').content.body).toMatch(/^We shipped\.\n\n.+/);
    expect(applyEdits(linkedin, [{ op: 'call-to-action' }], IDEA, 's').notes).toEqual(['it already ends with a call to action']);
  });
});

describe('reading a model\'s answer', () => {
  it('takes the title line and a trailing hashtag line apart from the body', () => {
    const c = parseModelPost('Title: Talk more, ship more\n\nSmall teams win because they talk.\n\nDo you agree?\n\n#SmallTeams #shipping', 'linkedin', IDEA);
    expect(c).toEqual({ channel: 'linkedin', title: 'Talk more, ship more', body: 'Small teams win because they talk.\n\nDo you agree?', tags: ['SmallTeams', 'shipping'] });
  });
  it('reads a blog heading as the title and strips code fences', () => {
    const c = parseModelPost('```markdown\n# Streams, not calls\n\nBody.\n```', 'blog', 'x');
    expect(c).toMatchObject({ title: 'Streams, not calls', body: '# Streams, not calls\n\nBody.' });
  });
  it('refuses what is empty, or would be cut mid-thought on X', () => {
    expect(parseModelPost('Title: nothing\n\n', 'x', 'x')).toBeUndefined();
    expect(parseModelPost(`Title: t\n\n${'word '.repeat(80)}`, 'x', 'x')).toBeUndefined();
  });
  it('drops hashtags before refusing when only they overflow', () => {
    const c = parseModelPost(`Title: t\n\n${'w'.repeat(276)}\n\n#one #two`, 'x', 'x');
    expect(c).toMatchObject({ body: 'w'.repeat(276), tags: [] });
  });
});
