import t from 'tap';

// The browser's money module, run in Node (the same Intl data): loaded by URL, as the page's
// JavaScript has no declaration files for the server's TypeScript program.
interface MoneyModule {
  minorDigits(currency: string): number;
  money(minor: number, currency: string): string;
  unitsText(minor: number, currency: string): string;
  parseMoney(text: string, currency: string): { minor: number } | { problem: string };
}
interface CouponsModule {
  couponAmount(kind: string, text: string, currency: string): { amount: number } | { field: string; problem: string };
}
const load = async <T>(path: string) => (await import(new URL(path, import.meta.url).href)) as T;
const { minorDigits, money, unitsText, parseMoney } = await load<MoneyModule>('../../src/web/assets/money.js');

t.test('minor digits come from Intl: 2 for EUR, 0 for JPY, 3 for KWD', async (t) => {
  t.equal(minorDigits('EUR'), 2);
  t.equal(minorDigits('USD'), 2);
  t.equal(minorDigits('JPY'), 0);
  t.equal(minorDigits('KWD'), 3);
  t.equal(minorDigits('not a code'), 2, 'a code Intl refuses falls back to 2');
});

t.test('typed units become minor units, with a point or a comma', async (t) => {
  t.same(parseMoney('39,90', 'EUR'), { minor: 3990 }, 'the euro locales\' decimal comma');
  t.same(parseMoney('39.90', 'EUR'), { minor: 3990 });
  t.same(parseMoney(' 5 ', 'EUR'), { minor: 500 }, '"5" is five euros, not five cents');
  t.same(parseMoney('4,5', 'EUR'), { minor: 450 });
  t.same(parseMoney('0', 'EUR'), { minor: 0 });
  t.same(parseMoney('19.999', 'KWD'), { minor: 19999 });
  t.same(parseMoney('500', 'JPY'), { minor: 500 }, 'yen have no minor unit');
  t.same(parseMoney('23.990', 'EUR'), { minor: 2399 }, 'trailing zeros past the minor unit are harmless');
  t.same(parseMoney('999999999999.99', 'EUR'), { minor: 99999999999999 });
});

t.test('what is not money gets a problem in words', async (t) => {
  const problem = (text: string, currency: string) => {
    const r = parseMoney(text, currency);
    return 'problem' in r ? r.problem : `accepted as ${r.minor}`;
  };
  t.match(problem('', 'EUR'), /such as 19\.99 or 19,99/);
  t.match(problem('-5', 'EUR'), /not negative/);
  t.match(problem('19.999', 'EUR'), /at most 2 decimals/);
  t.match(problem('500.5', 'JPY'), /JPY has no decimals/);
  t.match(problem('1.234,56', 'EUR'), /without thousands separators/);
  t.match(problem('1,234.56', 'EUR'), /without thousands separators/);
  t.match(problem('12 €', 'EUR'), /not an amount/);
  t.match(problem('1e3', 'EUR'), /not an amount/);
  t.match(problem('1234567890123', 'EUR'), /not an amount/, 'at most 12 whole digits');
  for (const text of ['', '-5', 'abc', '1.2.3', '0x10']) t.notMatch(problem(text, 'EUR'), /[\\^$[\]]/, `no regular expression in the words for "${text}"`);
});

t.test('minor units shown in a field: exact digits, never float noise', async (t) => {
  t.equal(unitsText(2399, 'EUR'), '23.99');
  t.equal(unitsText(500, 'EUR'), '5.00');
  t.equal(unitsText(5, 'EUR'), '0.05');
  t.equal(unitsText(0, 'EUR'), '0.00');
  t.equal(unitsText(500, 'JPY'), '500');
  t.equal(unitsText(19999, 'KWD'), '19.999');
  // the old default was price * 0.8 / 100 in floating point: 2999 * 0.8 = 2399.2000000000003
  t.equal(unitsText(2999 * 0.8, 'EUR'), '23.99', 'a fractional count of cents is rounded to the cent');
  t.equal(unitsText(-250, 'EUR'), '-2.50');
  for (const minor of [1, 7, 10, 99, 101, 1999, 2999, 123456789]) t.same(parseMoney(unitsText(minor, 'EUR'), 'EUR'), { minor }, `${minor} survives the round trip`);
});

t.test('money is read in the reader\'s locale from minor units', async (t) => {
  t.match(money(500, 'EUR'), /5[.,]00/);
  t.notMatch(money(500, 'EUR'), /500/, '500 cents read as five euros');
  t.match(money(500, 'JPY'), /500/);
  t.equal(money(1999, 'not a code'), '1999 not a code', 'an unknown code still says what it is');
});

t.test('a coupon amount: whole percent, or the currency\'s units for an amount off', async (t) => {
  const { couponAmount } = await load<CouponsModule>('../../src/web/assets/admin/coupons.js');
  t.same(couponAmount('fixed', '5', 'EUR'), { amount: 500 }, '"5" in EUR is €5.00 off');
  t.same(couponAmount('fixed', '4,50', 'eur'), { amount: 450 });
  t.same(couponAmount('fixed', '500', 'JPY'), { amount: 500 });
  t.same(couponAmount('percent', '15', 'EUR'), { amount: 15 }, 'a percentage is not money: no conversion');
  t.match(couponAmount('fixed', '5', ''), { field: 'currency', problem: /needs its currency/ });
  t.match(couponAmount('fixed', '5,555', 'EUR'), { field: 'amount', problem: /at most 2 decimals/ });
  t.match(couponAmount('percent', '12.5', 'EUR'), { field: 'amount', problem: /whole percentage/ });
});
