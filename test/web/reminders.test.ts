import t from 'tap';

// The shared reminders module's pure parts, run in Node (no service worker, no Push API here).
interface RemindersModule {
  localTime(iso: string): string;
  calendarUrl(showId: string): string;
  remindMe(showId: string, minutesBefore?: number | null): Promise<string>;
  reminderState(showId: string): Promise<string>;
}
const reminders = (await import(new URL('../../src/web/assets/reminders.js', import.meta.url).href)) as RemindersModule;

t.test("the show's time in the viewer's zone", async (t) => {
  const zone = process.env.TZ;
  t.teardown(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  process.env.TZ = 'Europe/Paris';
  const paris = reminders.localTime('2026-12-01T18:00:00.000Z');
  t.match(paris, /(19:00|07:00\sPM)/, paris);
  t.match(paris, /(CET|GMT\+1)/);
  t.match(paris, /Tue/);
  process.env.TZ = 'America/New_York';
  t.match(reminders.localTime('2026-12-01T18:00:00.000Z'), /(13:00|01:00\sPM)/, 'another zone, another hour');
  t.equal(reminders.localTime('not a time'), '');
});

t.test('the calendar link and where push cannot work', async (t) => {
  t.equal(reminders.calendarUrl('AbC_12-x'), '/api/shows/AbC_12-x/calendar.ics');
  t.equal(reminders.calendarUrl('a/b'), '/api/shows/a%2Fb/calendar.ics', 'an id is one path segment');
  t.equal(await reminders.remindMe('x', 15), 'unsupported');
  t.equal(await reminders.reminderState('x'), 'unsupported');
});
