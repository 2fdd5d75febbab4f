import t from 'tap';

// The buy sheet's variant choice and hold wording (browser modules without the DOM), run in Node.
interface Variant {
  id: string;
  options: Record<string, string>;
  stockLeft: number;
}
interface Offer {
  options: Array<{ name: string; values: string[] }>;
  variants: Variant[];
}
type Sel = Record<string, string>;
interface PickerModule {
  valueState(p: Offer, sel: Sel, option: string, value: string): 'available' | 'sold out' | 'none';
  chosenVariant(p: Offer, sel: Sel): Variant | null;
  initialSelection(p: Offer): Sel;
  choose(p: Offer, sel: Sel, option: string, value: string): Sel;
}
interface WordsModule {
  clockText(ms: number): string;
  holdLeftMs(at: string | null, now?: number): number | null;
  holdText(at: string | null): string;
}
const load = async <T>(path: string) => (await import(new URL(path, import.meta.url).href)) as T;
const { valueState, chosenVariant, initialSelection, choose } = await load<PickerModule>('../../src/web/assets/viewer/variant-picker.js');
const { clockText, holdLeftMs, holdText } = await load<WordsModule>('../../src/web/assets/viewer/order-words.js');

const tee: Offer = {
  options: [
    { name: 'Size', values: ['S', 'M', 'L'] },
    { name: 'Colour', values: ['Sand', 'Navy'] },
  ],
  variants: [
    { id: 's-sand', options: { Size: 'S', Colour: 'Sand' }, stockLeft: 5 },
    { id: 'm-sand', options: { Size: 'M', Colour: 'Sand' }, stockLeft: 3 },
    { id: 'l-sand', options: { Size: 'L', Colour: 'Sand' }, stockLeft: 0 },
    { id: 'm-navy', options: { Size: 'M', Colour: 'Navy' }, stockLeft: 2 },
  ],
};

t.test('values: available, sold out, or no variant with the other choices', async (t) => {
  t.equal(valueState(tee, {}, 'Size', 'S'), 'available');
  t.equal(valueState(tee, {}, 'Size', 'L'), 'sold out', 'every L is sold out');
  t.equal(valueState(tee, { Colour: 'Navy' }, 'Size', 'S'), 'none', 'no S in navy');
  t.equal(valueState(tee, { Size: 'S' }, 'Size', 'M'), 'available', 'the option itself does not narrow its own values');
});

t.test('choosing: one value per option, impossible choices dropped, a lone possibility chosen', async (t) => {
  t.same(initialSelection(tee), {});
  t.same(choose(tee, {}, 'Size', 'S'), { Size: 'S', Colour: 'Sand' }, 'S comes only in sand: sand is chosen');
  t.same(choose(tee, { Size: 'M' }, 'Colour', 'Navy'), { Size: 'M', Colour: 'Navy' });
  t.same(choose(tee, { Size: 'S', Colour: 'Sand' }, 'Colour', 'Navy'), { Colour: 'Navy', Size: 'M' }, 'navy drops S; M is the only navy size');
  t.same(choose(tee, { Size: 'M' }, 'Size', 'M'), {}, 'a second tap unchooses');
  t.equal(chosenVariant(tee, { Size: 'M' }), null, 'no variant until every option is chosen');
  t.equal(chosenVariant(tee, { Size: 'M', Colour: 'Navy' })?.id, 'm-navy');
  t.same(initialSelection({ options: [{ name: 'Size', values: ['One size'] }], variants: [{ id: 'x', options: { Size: 'One size' }, stockLeft: 1 }] }), { Size: 'One size' }, 'a single-value option starts chosen');
});

t.test('the hold in words', async (t) => {
  t.equal(clockText(581_000), '9:41');
  t.equal(clockText(3_725_000), '1:02:05');
  t.equal(clockText(3 * 86_400_000 - 1000), '2 days 23 h', 'a manual hold of days');
  t.equal(holdLeftMs(null), null);
  t.equal(holdLeftMs('2026-01-01T00:00:10.000Z', Date.parse('2026-01-01T00:00:00.000Z')), 10_000);
  t.equal(holdLeftMs('2026-01-01T00:00:00.000Z', Date.parse('2026-01-01T00:01:00.000Z')), 0, 'never below zero');
  t.equal(holdText(new Date(Date.now() - 1000).toISOString()), 'The hold ran out: the item went back on sale');
  t.match(holdText(new Date(Date.now() + 60_000).toISOString()), /^Held for you for (1:00|0:59)$/);
});
