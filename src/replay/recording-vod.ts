import type { EventSource } from '../domain/events.js';
import type { ShowRepository } from '../domain/ports.js';
import type { Logger } from '../log/logger.js';
import { isVodRecording, rewriteAsVod, type PlaylistChapter } from '../pipeline/vod-playlist.js';
import type { ChapterView } from './show-chapters.js';

export interface RecordingVodOptions {
  shows: Pick<ShowRepository, 'get' | 'listByStatus'>;
  chapters: { list(showId: string): ChapterView[] };
  /** the show's HLS folder (the launcher's mediaDir) */
  mediaDir(showId: string): string;
  logger: Logger;
}

/**
 * The ended show's recording as VOD with its chapters: once the show has ended (its playlists
 * closed, FFmpeg stopped, the end on the timeline), and at start for an ended show whose rewrite
 * a stopped server never made. Same playback URL; a rerun changes nothing.
 */
export class RecordingVod {
  private readonly log: Logger;

  constructor(private readonly o: RecordingVodOptions) {
    this.log = o.logger.child({ module: 'recording-vod' });
  }

  /** after the show.ended commit: the timeline then holds the end that closes the last chapter */
  subscribe(bus: EventSource): void {
    bus.on('show.ended', ({ showId }) => void this.close(showId));
  }

  /** Rewrites the show's playlists; false (logged) when it could not. */
  close(showId: string): boolean {
    try {
      const show = this.o.shows.get(showId);
      if (show?.status !== 'ended' || show.startedAt == null) return false;
      const chapters = this.o.chapters
        .list(showId)
        .flatMap((c): PlaylistChapter[] => (c.endAt == null ? [] : [{ productId: c.productId, title: c.title, startAt: c.startAt, endAt: c.endAt }]));
      const done = rewriteAsVod(this.o.mediaDir(showId), { startedAt: show.startedAt, chapters });
      this.log.info({ show: showId, chapters: chapters.length, ...done }, 'recording is VOD with its chapters');
      return true;
    } catch (err) {
      this.log.error({ err, show: showId }, 'recording not rewritten as VOD');
      return false;
    }
  }

  /** At start: every ended show whose recording is not VOD yet. Returns how many it rewrote. */
  finishEnded(): number {
    let rewritten = 0;
    for (const show of this.o.shows.listByStatus('ended')) {
      // its media was deleted (by the merchant or the retention sweep): nothing to rewrite
      if (show.recordingDeletedAt != null) continue;
      try {
        if (isVodRecording(this.o.mediaDir(show.id))) continue;
      } catch (err) {
        this.log.error({ err, show: show.id }, 'recording not readable');
        continue;
      }
      if (this.close(show.id)) rewritten += 1;
    }
    return rewritten;
  }
}
