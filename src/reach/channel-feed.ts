import type { ShowPhaseKind } from '../domain/show-phase.js';
import type { Show, ShowStatus } from '../domain/show.js';

/** One show as the channel lists it (GET /api/channel); URLs are absolute (publicUrl). */
export interface ShowCard {
  id: string;
  title: string;
  host: string;
  status: ShowStatus;
  scheduledAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  watchUrl: string;
  /** a still of the stream (live), the replay's poster (past); null while there is none */
  posterUrl: string | null;
  /** live: the lowest rendition's playlist, for a small moving preview; null otherwise or before it exists */
  previewUrl: string | null;
  /** upcoming: the show's calendar file (.ics); null otherwise */
  calendarUrl: string | null;
  /** past: its recording is kept and plays from the show's page */
  replay: boolean;
}

export interface ChannelFeed {
  live: ShowCard[];
  upcoming: ShowCard[];
  past: ShowCard[];
}

/** Each list holds at most this many (and `?limit`, 1 to this). */
export const CHANNEL_LIST_MAX = 50;

/**
 * A show scheduled this long ago that never went live is no longer "upcoming": a show the
 * merchant gave up on does not sit at the top of the channel for good.
 */
export const OVERDUE_MS = 24 * 60 * 60 * 1000;

export interface ChannelFeedOptions {
  shows: { list(): Show[] };
  /** where the show is in its life: a rehearsal is still 'scheduled' for everyone but the host */
  phaseOf(show: Show): ShowPhaseKind;
  /** the poster's version (its last change, ms) or null when the show has none */
  posterVersion(show: Show): number | null;
  /** the live show's lowest rendition (its folder name), null before its playlists exist */
  lowestRendition(showId: string): string | null;
  /** base of every URL handed out, no trailing slash */
  publicUrl: string;
  now?: () => number;
}

const iso = (ms: number | null): string | null => (ms == null ? null : new Date(ms).toISOString());

/**
 * The merchant's channel: shows live now (newest start first), upcoming ones (soonest first)
 * and past ones (newest end first). Live means on air for viewers (live, or waiting for a host
 * who dropped): a rehearsal is not public and stays upcoming. Upcoming shows are those with a
 * start time (the merchant promotes those; a show made without one is a draft until it goes
 * live), at most a day overdue. A past show offers its replay only while its recording is kept.
 */
export class ChannelFeedReader {
  private readonly now: () => number;

  constructor(private readonly o: ChannelFeedOptions) {
    this.now = o.now ?? Date.now;
  }

  read(limit = CHANNEL_LIST_MAX): ChannelFeed {
    const max = Math.max(1, Math.min(CHANNEL_LIST_MAX, Math.floor(limit)));
    const now = this.now();
    const live: Show[] = [];
    const upcoming: Show[] = [];
    const past: Show[] = [];
    for (const show of this.o.shows.list()) {
      if (show.status === 'ended') {
        if (show.startedAt != null) past.push(show);
      } else if (show.status === 'live') {
        const phase = this.o.phaseOf(show);
        if (phase === 'live' || phase === 'awaiting-reconnect') live.push(show);
        else if (phase === 'ended' || phase === 'ending') past.push(show);
      } else if (show.scheduledAt != null && show.scheduledAt >= now - OVERDUE_MS) {
        upcoming.push(show);
      }
    }
    live.sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
    upcoming.sort((a, b) => a.scheduledAt! - b.scheduledAt!);
    past.sort((a, b) => (b.endedAt ?? b.startedAt ?? 0) - (a.endedAt ?? a.startedAt ?? 0));
    return {
      live: live.slice(0, max).map((s) => this.card(s, 'live')),
      upcoming: upcoming.slice(0, max).map((s) => this.card(s, 'upcoming')),
      past: past.slice(0, max).map((s) => this.card(s, 'past')),
    };
  }

  private card(show: Show, section: keyof ChannelFeed): ShowCard {
    const base = this.o.publicUrl;
    const id = encodeURIComponent(show.id);
    const kept = show.recordingDeletedAt == null;
    const version = section === 'upcoming' || !kept ? null : this.o.posterVersion(show);
    const rung = section === 'live' ? this.o.lowestRendition(show.id) : null;
    return {
      id: show.id,
      title: show.title,
      host: show.host,
      status: show.status,
      scheduledAt: iso(show.scheduledAt),
      startedAt: iso(show.startedAt),
      endedAt: iso(show.endedAt),
      watchUrl: `${base}/watch/${id}`,
      // the version makes each new still a new URL: a CDN or a browser never shows a stale one
      posterUrl: version == null ? null : `${base}/api/shows/${id}/poster.jpg?v=${version.toString(36)}`,
      previewUrl: rung ? `${base}/hls/${id}/${encodeURIComponent(rung)}/index.m3u8` : null,
      calendarUrl: section === 'upcoming' ? `${base}/api/shows/${id}/calendar.ics` : null,
      replay: section === 'past' && kept,
    };
  }
}
