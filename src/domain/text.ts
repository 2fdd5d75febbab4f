import { HawkerError } from './errors.js';

/**
 * The one rule for text a person typed that others will see drawn: chat lines, display names,
 * show titles and hosts, product titles, poll questions and options, announcements.
 */
export type TextVerdict = { ok: true; text: string } | { ok: false; message: string };

// Line breaks and tabs (and Unicode's line and paragraph separators) become one space.
const LINE_BREAKS = /[\t\r\n\u2028\u2029]+/g;
// C0 and C1 controls and DEL: nothing a keyboard types, some terminals and renderers act on.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;
// Embeddings, overrides and isolates (U+202A-202E, U+2066-2069) and the directional marks
// (U+200E, U+200F, U+061C): they reorder what is drawn after them, so "gpj.exe" reads as
// "exe.jpg" and a name can flip the line it sits in.
const DIRECTION = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// Lone halves of a UTF-16 pair: JSON can carry them, no font draws them, some databases and
// encoders choke on them.
const LONE_SURROGATE = /\p{Cs}/u;
// What draws nothing: spaces, zero-width characters, joiners, the word joiner, BOM, fillers,
// variation selectors and tags. Allowed inside text (emoji sequences need joiners), never as
// the whole of it.
const INVISIBLE = /[\s\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2064\u206a-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0]|\p{Cf}|[\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;

export function checkText(raw: string): TextVerdict {
  if (LONE_SURROGATE.test(raw)) return { ok: false, message: 'contains a broken character (a lone UTF-16 surrogate)' };
  const text = raw.replace(LINE_BREAKS, ' ').trim();
  if (CONTROLS.test(text) || DIRECTION.test(text)) return { ok: false, message: 'control and text-direction characters are not allowed' };
  if (text.replace(INVISIBLE, '').length === 0) return { ok: false, message: 'is blank' };
  return { ok: true, text };
}

/** `checkText` for a named field: the cleaned text, or 400 INVALID_TEXT naming the field. */
export function requireText(field: string, raw: string): string {
  const verdict = checkText(raw);
  if (!verdict.ok) throw new HawkerError('INVALID_TEXT', `${field}: ${verdict.message}`, [{ field, problem: verdict.message }]);
  return verdict.text;
}
