import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const VARIANT_PLAYLIST = 'index.m3u8';
const ENDLIST = '#EXT-X-ENDLIST';

/** the show folder's variant folders: those holding a playlist (not clips/) */
export function variantDirs(showDir: string): string[] {
  if (!existsSync(showDir)) return [];
  return readdirSync(showDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(showDir, d.name, VARIANT_PLAYLIST)))
    .map((d) => join(showDir, d.name));
}

function variantPlaylists(showDir: string): string[] {
  return variantDirs(showDir).map((dir) => join(dir, VARIANT_PLAYLIST));
}

/** True when an earlier FFmpeg already wrote segments here: the next one appends. */
export function hasPlaylists(showDir: string): boolean {
  return variantPlaylists(showDir).length > 0;
}

/**
 * FFmpeg runs with omit_endlist so that a dropped publisher or a restart does not end the
 * playlist; when the show really ends, this closes every variant playlist so it plays as a
 * recording. Rewritten atomically: players never read half a playlist.
 */
export function endPlaylists(showDir: string): number {
  let ended = 0;
  for (const playlist of variantPlaylists(showDir)) {
    const text = readFileSync(playlist, 'utf8');
    if (text.includes(ENDLIST)) continue;
    const tmp = `${playlist}.ending`;
    writeFileSync(tmp, text.endsWith('\n') ? `${text}${ENDLIST}\n` : `${text}\n${ENDLIST}\n`);
    renameSync(tmp, playlist);
    ended += 1;
  }
  return ended;
}

/**
 * PROGRAM-DATE-TIME of the first segment the current FFmpeg run wrote in a variant folder (the
 * first after the last discontinuity): the wall-clock origin of that run's timestamps.
 */
export function runStartProgramDateTime(variantDir: string): number | null {
  const playlist = join(variantDir, VARIANT_PLAYLIST);
  if (!existsSync(playlist)) return null;
  const lines = readFileSync(playlist, 'utf8').split('\n');
  let start: number | null = null;
  let seamSeen = true;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-DISCONTINUITY')) seamSeen = true;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:') && seamSeen) {
      const t = Date.parse(line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length).trim());
      if (Number.isFinite(t)) start = t;
      seamSeen = false;
    }
  }
  return start;
}
