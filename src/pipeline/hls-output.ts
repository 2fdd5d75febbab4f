import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MASTER_PLAYLIST = 'master.m3u8';
export const VARIANT_PLAYLIST = 'index.m3u8';
const ENDLIST = '#EXT-X-ENDLIST';

function variantPlaylists(showDir: string): string[] {
  if (!existsSync(showDir)) return [];
  return readdirSync(showDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(showDir, d.name, VARIANT_PLAYLIST))
    .filter((p) => existsSync(p));
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
