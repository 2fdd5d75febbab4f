/**
 * A show as an iCalendar file (RFC 5545): one VEVENT in UTC that a calendar app adds as it is.
 * Pure: show in, text out. The rules it keeps: CRLF line ends, lines folded at 75 octets
 * (never inside a UTF-8 character), TEXT values escaped (backslash, semicolon, comma, newline).
 */
export interface CalendarShow {
  id: string;
  title: string;
  host: string;
  /** ms since the epoch */
  scheduledAt: number;
  /** the show page, absolute */
  url: string;
}

export interface CalendarOptions {
  /** when the file is made (DTSTAMP), ms */
  now: number;
  /** the UID's right-hand side: this server's host name, so ids of two servers never collide */
  domain: string;
  /** how long the event lasts in the calendar; a show has no planned end */
  durationMs?: number;
}

export const DEFAULT_SHOW_DURATION_MS = 60 * 60 * 1000;
const MAX_OCTETS = 75;

/** 20261201T180000Z */
export function icsUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** A TEXT value (RFC 5545 3.3.11): \\ \; \, and \n; other control characters dropped. */
export function escapeIcsText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/** One content line folded (RFC 5545 3.1): at most 75 octets a line, continuations start with a space. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  // the first line holds 75 octets; each continuation 74 after its leading space
  let limit = MAX_OCTETS;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = MAX_OCTETS - 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** The calendar file of a scheduled show. */
export function showCalendar(show: CalendarShow, options: CalendarOptions): string {
  const duration = options.durationMs ?? DEFAULT_SHOW_DURATION_MS;
  const description = [show.host ? `Live shopping with ${show.host}.` : 'Live shopping.', `Watch and shop: ${show.url}`].join('\n');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Hawker//Live shopping shows//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:show-${show.id}@${options.domain}`,
    `DTSTAMP:${icsUtc(options.now)}`,
    `DTSTART:${icsUtc(show.scheduledAt)}`,
    `DTEND:${icsUtc(show.scheduledAt + duration)}`,
    `SUMMARY:${escapeIcsText(show.title)}`,
    `DESCRIPTION:${escapeIcsText(description)}`,
    // a URI value, not TEXT: not escaped (the show id is base64url; the base is the configured URL)
    `URL:${show.url}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
