/**
 * Text a person typed and we will draw (titles, announcements): printable, not blank. Control
 * characters have no place on a video frame or a page.
 */
export const PRINTABLE_TEXT = '^[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$';

/** Ids we hand out (shows, products): URL-safe, bounded. */
export const ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
