/** Offline drafting: keywords and hashtags, post length as platforms count it, templates within limits. */
import { describe, expect, it } from 'vitest';
import { CHANNELS, channelOf, platformOf, profileOf } from '../src/domain/channels.js';
import { renderPost } from '../src/domain/drafts.js';
import { hashtagOf, hashtagsFor, keywordsOf } from '../src/domain/keywords.js';
import { postLength, truncate } from '../src/domain/length.js';
import { draftFromTemplate, fit, hasPlaceholders, ideaShape, ideaSentence, titleFor } from '../src/domain/templates.js';

describe('keywords and hashtags', () => {
  it.each([
    ['why we moved our queue from HTTP calls to Redis Streams', ['Redis Streams', 'HTTP calls', 'queue']],
    ['small teams ship faster because they talk more', ['small teams', 'ship', 'talk']],
    ['remote work made me a better writer', ['remote work', 'writer']],
    ['how to test event-driven systems without mocks', ['event-driven systems', 'mocks']],
    ['Node.js vs Deno in 2025', ['Node.js', 'Deno']],
  ])('%j', (idea, keywords) => expect(keywordsOf(idea)).toEqual(keywords));

  it('makes hashtags: phrases in CamelCase, acronyms kept, others lower-case', () => {
    expect(hashtagOf('Redis Streams')).toBe('RedisStreams');
    expect(hashtagOf('remote work')).toBe('RemoteWork');
    expect(hashtagOf('HTTP')).toBe('HTTP');
    expect(hashtagOf('Node.js')).toBe('NodeJs');
    expect(hashtagOf('queue')).toBe('queue');
    expect(hashtagsFor('why we moved our queue from HTTP calls to Redis Streams', 2)).toEqual(['RedisStreams', 'HTTPCalls']);
    expect(hashtagsFor('the and of', 3)).toEqual([]);
  });
});

describe('post length', () => {
  it('counts characters, and on X emoji double and links as 23', () => {
    expect(postLength('hello', 'linkedin')).toBe(5);
    expect(postLength('🚀 go', 'linkedin')).toBe(4);
    expect(postLength('🚀 go', 'x')).toBe(5);
    expect(postLength('see https://example.com/a/very/long/path/that/goes/on/and/on', 'x')).toBe(4 + 23);
    expect(postLength('日本', 'x')).toBe(4);
    expect(postLength('“quotes” — dash', 'x')).toBe(15);
  });
  it('cuts at a word boundary with an ellipsis, within the limit', () => {
    expect(truncate('one two three four five six seven', 20, 'linkedin')).toBe('one two three four…');
    // On X the ellipsis itself weighs 2.
    expect(truncate('one two three four five six seven', 20, 'x')).toBe('one two three…');
    expect(truncate('short', 20, 'x')).toBe('short');
    expect(postLength(truncate('🚀'.repeat(200), 280, 'x'), 'x')).toBeLessThanOrEqual(280);
  });
});

describe('templates', () => {
  const ideas = [
    'why we moved our queue from HTTP calls to Redis Streams',
    'small teams ship faster because they talk more',
    'our launch',
    `a very long idea ${'that keeps going and going with many more words '.repeat(12)}`,
  ];

  it.each(CHANNELS.flatMap((c) => ideas.map((i) => [c, i] as const)))('%s: %j fits the limit', (channel, idea) => {
    const d = draftFromTemplate(idea, channel);
    expect(postLength(renderPost(d), channel)).toBeLessThanOrEqual(profileOf(channel).limit);
    expect(d.body.length).toBeGreaterThan(0);
    expect(d.channel).toBe(channel);
  });

  it('drafts the same post for the same idea, every time', () => {
    expect(draftFromTemplate('small teams ship faster because they talk more', 'linkedin')).toEqual(draftFromTemplate('small teams ship faster because they talk more', 'linkedin'));
  });

  it('drafts an X post with a hook and hashtags', () => {
    const d = draftFromTemplate('small teams ship faster because they talk more', 'x');
    expect(renderPost(d)).toMatch(/^(?:Hot take|Reminder|Lesson learned|Quick thought): Small teams ship faster because they talk more\.\n\n#SmallTeams #ship$/);
  });

  it('keeps a long idea within 280 on X by dropping the hook and hashtags, then cutting', () => {
    const long = ideas[3]!;
    const d = draftFromTemplate(long, 'x');
    expect(d.tags).toEqual([]);
    expect(d.body.endsWith('…')).toBe(true);
    expect(postLength(renderPost(d), 'x')).toBeLessThanOrEqual(280);
  });

  it('turns a question into a headline to answer, and marks where to fill in', () => {
    const d = draftFromTemplate('why we moved our queue from HTTP calls to Redis Streams', 'linkedin');
    expect(d.body.split('\n\n')[0]).toBe('Why we moved our queue from HTTP calls to Redis Streams 👇');
    expect(hasPlaceholders(d)).toBe(true);
    expect(renderPost(d).endsWith('#RedisStreams #HTTPCalls #queue')).toBe(true);
    expect(hasPlaceholders(draftFromTemplate('small teams ship faster because they talk more', 'linkedin'))).toBe(false);
  });

  it('gives a blog post a heading and a newsletter a subject, without inline hashtags', () => {
    const blog = draftFromTemplate('how to test event-driven systems without mocks', 'blog');
    expect(blog.body.startsWith('# How to Test Event-driven Systems Without Mocks\n\n')).toBe(true);
    expect(renderPost(blog)).not.toContain('#mocks');
    const news = draftFromTemplate('our launch', 'newsletter');
    expect(news.body.split('\n\n').slice(0, 3)).toEqual(['Subject: Our Launch', 'Hi there,', 'This week I want to talk about our launch.']);
  });

  it('shapes, titles and sentences', () => {
    expect([ideaShape('why X'), ideaShape('is it worth it?'), ideaShape('our launch'), ideaShape('we shipped the new billing page today')]).toEqual(['question', 'question', 'topic', 'statement']);
    expect(titleFor('why we moved to HTTP/2 and iPhone apps')).toBe('Why We Moved to HTTP/2 and iPhone Apps');
    expect(titleFor('x '.repeat(60)).length).toBeLessThanOrEqual(70);
    expect(ideaSentence('small teams win')).toBe('Small teams win.');
    expect(ideaSentence('really?')).toBe('Really?');
  });

  it('fits a draft by dropping hashtags, then paragraphs, then cutting', () => {
    const d = { channel: 'x' as const, title: 't', body: `${'a'.repeat(200)}\n\n${'b'.repeat(80)}`, tags: ['one', 'two'] };
    const f = fit(d);
    expect(f.tags).toEqual([]);
    expect(f.body).toBe('a'.repeat(200));
  });
});

describe('channels', () => {
  it('reads the names people use, and maps to the contract\'s platforms', () => {
    expect(['twitter', 'X', 'insta', 'Substack', 'medium', 'fb', 'myspace'].map(channelOf)).toEqual(['x', 'x', 'instagram', 'newsletter', 'blog', 'facebook', undefined]);
    expect(CHANNELS.map(platformOf)).toEqual(['linkedin', 'x', 'instagram', 'blog', 'other', 'other', 'other', 'other', 'other']);
  });
});
