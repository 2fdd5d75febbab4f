import t from 'tap';

// The channel page's countdown words (browser module without the DOM), run in Node.
const { countdownText } = (await import(new URL('../../src/web/assets/channel/countdown.js', import.meta.url).href)) as { countdownText(ms: number): string };

t.test('the time left in words a phone has room for', async (t) => {
  t.equal(countdownText(2 * 86_400_000 + 3 * 3_600_000 + 59_000), 'Starts in 2 d 3 h');
  t.equal(countdownText(3_600_000 + 5 * 60_000), 'Starts in 1 h 05 min');
  t.equal(countdownText(4 * 60_000 + 9_000), 'Starts in 4 min 09 s');
  t.equal(countdownText(8_200), 'Starts in 9 s', 'rounded up: never "0 s" before the time');
  t.equal(countdownText(0), 'Starting any moment');
  t.equal(countdownText(-5000), 'Starting any moment');
  t.equal(countdownText(Number.NaN), 'Starting any moment', 'a time that does not parse');
});
