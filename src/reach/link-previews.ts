import type { Show } from '../domain/show.js';
import type { ChannelFeed } from './channel-feed.js';

/** What a shared link previews as (Open Graph, Twitter card): every URL absolute. */
export interface LinkPreview {
  title: string;
  description: string;
  url: string;
  /** null: no picture yet (the tags then carry no image) */
  imageUrl: string | null;
  type: 'video.other' | 'website';
}

const UTC_WORDS = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', hourCycle: 'h23' });

/** A time in words, in UTC (a crawler's preview knows no viewer's zone): "Tue, 1 Dec 2026, 19:00 UTC". */
export function utcWords(ms: number): string {
  return `${UTC_WORDS.format(new Date(ms))} UTC`;
}

/** Who presents the show and when (or that it is live now, or a replay). */
export function showDescription(show: Pick<Show, 'host' | 'status' | 'scheduledAt' | 'startedAt'>): string {
  let when: string;
  if (show.status === 'live') when = 'Live now: watch and shop';
  else if (show.status === 'ended') when = show.startedAt != null ? `Replay of the live show of ${utcWords(show.startedAt)}` : 'Replay of the live show';
  else when = show.scheduledAt != null ? `Live on ${utcWords(show.scheduledAt)}` : 'Live shopping, starting soon';
  return show.host ? `${when}, with ${show.host}` : when;
}

/**
 * A show page's preview: its title, host and time, and its poster (the live still, or the
 * replay's) by its absolute URL, versioned so a crawler that cached an older still fetches the
 * new one. A show with no still yet (upcoming, or live before its first segment) has no image.
 */
export function showPreview(show: Show, posterVersion: number | null, publicUrl: string): LinkPreview {
  const id = encodeURIComponent(show.id);
  return {
    title: show.title,
    description: showDescription(show),
    url: `${publicUrl}/watch/${id}`,
    imageUrl: posterVersion == null ? null : `${publicUrl}/api/shows/${id}/poster.jpg?v=${posterVersion.toString(36)}`,
    type: 'video.other',
  };
}

/** The channel page's preview: what is live (or else next, or else the latest replay), with its poster. */
export function channelPreview(feed: ChannelFeed, publicUrl: string): LinkPreview {
  const live = feed.live[0];
  const next = feed.upcoming[0];
  let description = 'Live shopping: shows live now, coming up, and replays';
  if (live) description = `Live now: ${live.title}`;
  else if (next?.scheduledAt) description = `Next live show: ${next.title}, ${utcWords(Date.parse(next.scheduledAt))}`;
  const picture = [...feed.live, ...feed.past].find((c) => c.posterUrl)?.posterUrl ?? null;
  return { title: 'Live shopping', description, url: `${publicUrl}/`, imageUrl: picture, type: 'website' };
}
