// The replay's clock, without the DOM (test/web/replay-time.test.ts runs it in Node): the
// recording's segments carry their PROGRAM-DATE-TIME, the chapters are spans of that same clock
// (the server's chaptersOf), so the video's position maps to a moment of the show and back.

/** @typedef {{ start: number, duration: number, programDateTime: number | null }} Segment */
/** @typedef {{ productId: string, startAt: string, endAt: string | null }} ChapterSpan */

/**
 * The moment (epoch ms, PDT) the video shows at a position (s) of the playlist: from the segment
 * holding it, whose own PDT absorbs any gap a reconnect left. null without dated segments.
 * @param {Segment[]} segments @param {number} time
 */
export function dateAtTime(segments, time) {
  /** @type {Segment | undefined} */
  let found;
  for (const s of segments) {
    if (s.programDateTime == null) continue;
    if (!found || s.start <= time) found = s;
    if (s.start > time) break;
  }
  return found && found.programDateTime != null ? found.programDateTime + (time - found.start) * 1000 : null;
}

/**
 * The position (s) of the playlist that shows a moment (epoch ms, PDT): inside the segment that
 * covers it, or the next one when it fell in a gap (a reconnect). null before or after them all.
 * @param {Segment[]} segments @param {number} at
 */
export function timeAtDate(segments, at) {
  for (const s of segments) {
    if (s.programDateTime == null) continue;
    const end = s.programDateTime + s.duration * 1000;
    if (at < s.programDateTime) return s.start;
    if (at < end) return s.start + (at - s.programDateTime) / 1000;
  }
  return null;
}

/**
 * The chapter on screen at a moment (epoch ms), if any: the last one started by then and not
 * ended (an open chapter, endAt null, runs on).
 * @template {ChapterSpan} C
 * @param {C[]} chapters @param {number | null} at
 * @returns {C | null}
 */
export function chapterAt(chapters, at) {
  if (at == null) return null;
  /** @type {C | null} */
  let found = null;
  for (const c of chapters) {
    const start = Date.parse(c.startAt);
    const end = c.endAt == null ? Infinity : Date.parse(c.endAt);
    if (start <= at && at < end) found = c;
  }
  return found;
}

/** "1:05", "1:02:03": a position in the show @param {number} ms */
export function streamClock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

/**
 * A media URL of this server as a path of the page's own origin: the API writes them absolute
 * from publicUrl, which may name another host than the one the viewer reached (a proxy, a LAN
 * address), and the page's CSP plays media from its own origin only. null stays null.
 * @param {string | null | undefined} url
 */
export function ownPath(url) {
  if (!url) return null;
  try {
    const u = new URL(url, 'http://page.invalid');
    return `${u.pathname}${u.search}`;
  } catch {
    return null;
  }
}
