// The calendar builder: RFC 5545's line rules (CRLF, 75-octet folds never inside a character,
// TEXT escaping) and a file a real iCalendar parser (ical.js) reads back to the same event.
import ICAL from 'ical.js';
import t from 'tap';
import { escapeIcsText, foldLine, icsUtc, showCalendar } from '../../src/reach/calendar.js';

const show = { id: 'AbC_12-xyz', title: 'Spring drop; linen, silk & more', host: 'Mia', scheduledAt: Date.UTC(2026, 11, 1, 18, 0), url: 'https://shop.example/watch/AbC_12-xyz' };

t.test('UTC times and TEXT escaping', async (t) => {
  t.equal(icsUtc(Date.UTC(2026, 11, 1, 18, 0, 5, 999)), '20261201T180005Z');
  t.equal(escapeIcsText('a;b,c\\d\ne\r\nf'), 'a\\;b\\,c\\\\d\\ne\\nf');
  t.equal(escapeIcsText('bell\u0007 tab\t'), 'bell tab', 'control characters dropped');
});

t.test('lines folded at 75 octets, never inside a UTF-8 character', async (t) => {
  const line = `SUMMARY:${'é'.repeat(100)}`;
  const folded = foldLine(line);
  const parts = folded.split('\r\n');
  t.ok(parts.length > 2);
  for (const [i, part] of parts.entries()) {
    t.ok(Buffer.byteLength(part) <= 75, `line ${i} is ${Buffer.byteLength(part)} octets`);
    if (i > 0) t.equal(part[0], ' ', 'a continuation starts with a space');
    t.notOk(part.includes('\uFFFD'));
  }
  t.equal(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join(''), line, 'unfolding gives the line back');
  t.equal(foldLine('short'), 'short');
});

t.test('a show as a VEVENT that ical.js reads back', async (t) => {
  const now = Date.UTC(2026, 10, 30, 9, 0);
  const long = { ...show, title: `${show.title} — ${'a very long title '.repeat(6)}` };
  const ics = showCalendar(long, { now, domain: 'shop.example' });
  t.ok(ics.endsWith('\r\n'));
  t.notOk(/[^\r]\n/.test(ics), 'every line ends in CRLF');
  for (const line of ics.split('\r\n')) t.ok(Buffer.byteLength(line) <= 75, 'no line over 75 octets');

  const component = new ICAL.Component(ICAL.parse(ics));
  const vevent = component.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  const event = new ICAL.Event(vevent);
  t.equal(event.startDate.toJSDate().getTime(), show.scheduledAt, 'DTSTART is the scheduled time');
  t.equal(event.startDate.zone?.tzid, 'UTC', 'in UTC');
  t.equal(event.endDate.toJSDate().getTime(), show.scheduledAt + 3600_000, 'an hour long by default');
  t.equal(event.summary, long.title, 'the title, unescaped by the parser as it was');
  t.equal(event.uid, 'show-AbC_12-xyz@shop.example');
  t.match(event.description, /with Mia/);
  t.equal(vevent.getFirstPropertyValue('url'), show.url);
  t.equal((vevent.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().getTime(), now);
  t.equal(component.getFirstPropertyValue('version'), '2.0');
  t.ok(component.getFirstPropertyValue('prodid'));

  const short = showCalendar(show, { now, domain: 'shop.example', durationMs: 30 * 60_000 });
  t.equal(new ICAL.Event(new ICAL.Component(ICAL.parse(short)).getFirstSubcomponent('vevent')!).endDate.toJSDate().getTime(), show.scheduledAt + 30 * 60_000);
});
