// The report's pure rules on chat: which lines name a product, what a keyword burst is, and
// how aliases are checked; each case at the edge its rule draws.
import t from 'tap';
import type { ChatLine, ReportProduct } from '../../src/domain/report.js';
import { readLines } from '../../src/report/words.js';
import { checkAliases } from '../../src/report/aliases.js';
import { findBursts } from '../../src/report/bursts.js';
import { countMentions, MentionMatcher, titlePhrases } from '../../src/report/mentions.js';
import { restockSignal } from '../../src/report/restock.js';
import { median, REPORT_MINUTES_MAX, viewerFigures } from '../../src/report/audience.js';
import { HawkerError } from '../../src/domain/errors.js';

const product = (id: string, title: string, sku: string, more: Partial<ReportProduct> = {}): ReportProduct => ({ id, title, sku, currency: 'EUR', variantSkus: [], stockLeft: 1, aliases: [], ...more });

t.test('title words: pairs of consecutive distinctive words; one distinctive word alone', async (t) => {
  t.same(titlePhrases('The Dotted gauze scarf'), [['dotted', 'gauze'], ['gauze', 'scarf']]);
  t.same(titlePhrases('Scarf of dotted gauze'), [['scarf', 'dotted'], ['dotted', 'gauze']], '"of" is left out of the title and of the line alike');
  t.same(titlePhrases('Kimono'), [['kimono']]);
  t.same(titlePhrases('The One'), [['the', 'one']], 'nothing distinctive: the whole title');
  const m = new MentionMatcher([product('a', 'Dotted gauze scarf', 'GZ-001', { variantSkus: ['GZ-001-RED'], aliases: ['the blue one'] }), product('k', 'Kimono', 'K1')]);
  const names = (text: string) => [...m.productsIn(text)].sort();
  t.same(names('dotted GAUZE'), ['a']);
  t.same(names('Gauze, scarf!'), ['a'], 'punctuation between words is no gap');
  t.same(names('the scarf'), [], 'one word of a longer title is not enough');
  t.same(names('gauze dotted'), [], 'order matters');
  t.same(names('dotted and gauze'), ['a'], 'function words between are skipped');
  t.same(names('dotted red gauze'), [], 'a distinctive word between breaks the pair');
  t.same(names('gz-001-red please'), ['a'], "a variant's SKU");
  t.same(names('gz 001'), ['a']);
  t.same(names('gz'), [], 'part of a SKU');
  t.same(names('THE BLUE ONE'), ['a'], 'an alias, case aside, function words and all');
  t.same(names('blue one'), [], 'an alias is a whole phrase');
  t.same(names('kimonos'), [], 'whole words only');
  t.same(names('KIMONO and dotted gauze'), ['a', 'k']);
  t.same(names('ｋｉｍｏｎｏ'), ['k'], 'full-width letters fold');
});

t.test('mentions: a line counts once per product; viewers distinct', async (t) => {
  const lines: ChatLine[] = [
    { viewerId: 'v1', text: 'dotted gauze dotted gauze GZ-001', at: 1 },
    { viewerId: 'v1', text: 'dotted gauze again', at: 2 },
    { viewerId: 'v2', text: 'nothing here', at: 3 },
  ];
  t.same(countMentions(readLines(lines), [product('a', 'Dotted gauze scarf', 'GZ-001'), product('b', 'Towel', 'TW')]), [
    { productId: 'a', count: 2, viewers: 1 },
    { productId: 'b', count: 0, viewers: 0 },
  ]);
});

t.test('bursts: distinct viewers within the window, edges included, merged runs', async (t) => {
  const rule = { minViewers: 3, windowMs: 10_000 };
  const say = (viewerId: string, text: string, at: number) => readLines([{ viewerId, text, at }])[0]!;
  t.same(findBursts([say('a', 'wow gauze', 0), say('b', 'gauze', 5_000), say('c', 'GAUZE', 10_000)], rule, 0), [{ word: 'gauze', viewers: 3, startMs: 0, endMs: 10_000 }], 'exactly the window apart counts');
  t.same(findBursts([say('a', 'gauze', 0), say('b', 'gauze', 5_000), say('c', 'gauze', 10_001)], rule, 0), [], 'one ms more does not');
  t.same(findBursts([say('a', 'gauze gauze', 0), say('a', 'gauze', 1_000), say('b', 'gauze', 2_000)], rule, 0), [], 'a viewer repeating is one viewer');
  t.same(findBursts([say('a', 'the', 0), say('b', 'the', 1), say('c', 'THE', 2)], rule, 0), [], 'function words never burst');
  // two windows that overlap are one burst; a gap longer than the window starts another
  const lines = ['a', 'b', 'c', 'd'].map((v, i) => say(v, 'gauze', i * 4_000)).concat(['e', 'f', 'g'].map((v, i) => say(v, 'gauze', 60_000 + i * 1_000)));
  t.same(findBursts(lines, rule, 30_000), [
    { word: 'gauze', viewers: 4, startMs: -30_000, endMs: -18_000 },
    { word: 'gauze', viewers: 3, startMs: 30_000, endMs: 32_000 },
  ], 'stream times from Go live; before it negative');
});

t.test('aliases: trimmed, bounded, unique without case or accents, every problem named', async (t) => {
  t.same(checkAliases(['  dotted gauze ', 'Blue one']), ['dotted gauze', 'Blue one']);
  const problems = (raw: string[]) => {
    try {
      checkAliases(raw);
      return null;
    } catch (err) {
      t.ok(err instanceof HawkerError && err.code === 'INVALID_ALIASES');
      return (err as HawkerError).details;
    }
  };
  t.same(problems(['Gazé', 'gaze', '', 'x'.repeat(61), '…']), [
    { field: 'aliases[1]', problem: 'the same as aliases[0] (case and accents aside)' },
    { field: 'aliases[2]', problem: 'is blank' },
    { field: 'aliases[3]', problem: 'at most 60 characters (got 61)' },
    { field: 'aliases[4]', problem: 'has no letter or digit to match in chat' },
  ]);
  t.same(checkAliases(['😀'.repeat(30) + ' gauze']).length, 1, 'characters, not UTF-16 units, are counted');
});

t.test('restock: demand per unit left, then demand, then title', async (t) => {
  const row = (productId: string, mentions: number, stockLeft: number) => ({ productId, title: productId, mentions, demoRequests: 0, orders: 0, stockLeft });
  t.same(restockSignal([row('plenty', 50, 100), row('none', 0, 0), row('empty', 2, 0), row('tie-b', 4, 1), row('tie-a', 4, 1)]).map((r) => [r.productId, r.score]), [
    ['tie-a', 2],
    ['tie-b', 2],
    ['empty', 2],
    ['plenty', 0.495],
  ]);
});

t.test('watch time: overlapping sessions once; median of an even count', async (t) => {
  t.equal(median([1, 2, 3, 10]), 3);
  t.equal(median([]), 0);
  const f = viewerFigures([{ viewerId: 'a', joinedAt: -5_000, lastSeenAt: 30_000 }, { viewerId: 'a', joinedAt: 10_000, lastSeenAt: 70_000 }, { viewerId: 'b', joinedAt: 200_000, lastSeenAt: 300_000 }], 0, 120_000);
  t.same(f.perMinute, [{ minute: 0, viewers: 1 }, { minute: 1, viewers: 1 }], 'clipped to the show; b came after it');
  t.same([f.unique, f.averageWatchMs], [1, 70_000], 'before Go live and the overlap are not counted');
  const month = viewerFigures([{ viewerId: 'a', joinedAt: 0, lastSeenAt: 30 * 86_400_000 }], 0, 30 * 86_400_000);
  t.equal(month.perMinute.length, REPORT_MINUTES_MAX, 'a show left live for a month: a week of rows, the rest in the last');
});
