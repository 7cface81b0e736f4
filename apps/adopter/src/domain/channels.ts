/**
 * The channels adopter drafts for, and what each asks of a post: a hard length limit, how many
 * hashtags suit it, whether hashtags go inline, and whether it has a title (blog) or a subject
 * (newsletter). The contract's `platform` knows linkedin, x, instagram and blog; every other channel
 * travels as "other".
 */

export const CHANNELS = ['linkedin', 'x', 'instagram', 'blog', 'newsletter', 'threads', 'bluesky', 'mastodon', 'facebook'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ChannelProfile {
  readonly channel: Channel;
  /** How the owner reads it: "LinkedIn", "X". */
  readonly label: string;
  /** The platform's hard limit on a post, in its own counting (X weighs some characters double). */
  readonly limit: number;
  /** How many hashtags suit a post there (0: none inline). */
  readonly hashtags: number;
  /** Titles matter there (a blog post's heading, a newsletter's subject line). */
  readonly titled: boolean;
}

const PROFILES: Record<Channel, ChannelProfile> = {
  linkedin: { channel: 'linkedin', label: 'LinkedIn', limit: 3000, hashtags: 4, titled: false },
  x: { channel: 'x', label: 'X', limit: 280, hashtags: 2, titled: false },
  instagram: { channel: 'instagram', label: 'Instagram', limit: 2200, hashtags: 10, titled: false },
  blog: { channel: 'blog', label: 'blog', limit: 20_000, hashtags: 0, titled: true },
  newsletter: { channel: 'newsletter', label: 'newsletter', limit: 20_000, hashtags: 0, titled: true },
  threads: { channel: 'threads', label: 'Threads', limit: 500, hashtags: 1, titled: false },
  bluesky: { channel: 'bluesky', label: 'Bluesky', limit: 300, hashtags: 2, titled: false },
  mastodon: { channel: 'mastodon', label: 'Mastodon', limit: 500, hashtags: 3, titled: false },
  facebook: { channel: 'facebook', label: 'Facebook', limit: 5000, hashtags: 2, titled: false },
};

/** The profile of a channel. */
export function profileOf(channel: Channel): ChannelProfile {
  return PROFILES[channel];
}

const ALIASES: Record<string, Channel> = {
  linkedin: 'linkedin', 'linked in': 'linkedin', li: 'linkedin',
  x: 'x', twitter: 'x', tweet: 'x', tweets: 'x', thread: 'x',
  instagram: 'instagram', insta: 'instagram', ig: 'instagram',
  blog: 'blog', medium: 'blog', article: 'blog', 'blog post': 'blog', blogpost: 'blog',
  newsletter: 'newsletter', substack: 'newsletter', email: 'newsletter',
  threads: 'threads', bluesky: 'bluesky', bsky: 'bluesky', mastodon: 'mastodon', facebook: 'facebook', fb: 'facebook',
};

/** The channel a word names ("twitter" → "x"), or undefined. */
export function channelOf(word: string | undefined): Channel | undefined {
  if (word === undefined) return undefined;
  return ALIASES[word.trim().toLowerCase()];
}

/** The contract's platform for a channel. */
export function platformOf(channel: Channel): 'linkedin' | 'x' | 'instagram' | 'blog' | 'other' {
  return channel === 'linkedin' || channel === 'x' || channel === 'instagram' || channel === 'blog' ? channel : 'other';
}

/** The channel names people may use, for patterns. */
export const CHANNEL_WORDS = Object.keys(ALIASES).sort((a, b) => b.length - a.length);
