import { statSync } from 'node:fs';
import type { Show } from '../domain/show.js';

export interface ShowPostersOptions {
  /** where the show's own poster is written (its live stills, the last one kept) */
  posterPath(showId: string): string;
  /** the poster of the show's first ready demo clip, if it has one: the fallback */
  firstClipPosterPath(showId: string): string | null;
}

export interface PosterFile {
  file: string;
  /** last change, ms: the poster's version */
  mtimeMs: number;
}

/**
 * Which picture stands for a show: its own poster (a still of the live stream, the last one
 * kept once it ended), or else its first demo clip's poster. None before the show went live,
 * nor once its recording was deleted (the files went with it; a late one is not served).
 */
export class ShowPosters {
  constructor(private readonly o: ShowPostersOptions) {}

  find(show: Show): PosterFile | null {
    if (show.startedAt == null || show.recordingDeletedAt != null) return null;
    const own = fileAt(this.o.posterPath(show.id));
    if (own) return own;
    const clip = this.o.firstClipPosterPath(show.id);
    return clip ? fileAt(clip) : null;
  }
}

function fileAt(file: string): PosterFile | null {
  try {
    const info = statSync(file);
    return info.isFile() && info.size > 0 ? { file, mtimeMs: Math.floor(info.mtimeMs) } : null;
  } catch {
    return null;
  }
}
