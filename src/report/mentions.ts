import type { ReportProduct } from '../domain/report.js';
import { isDistinctive, tokenize, type WordLine } from './words.js';

/**
 * Which chat lines name which product. A line names a product when, compared word by word
 * without case or accents, it contains:
 * - its SKU or a variant's SKU ("GZ-001" as "gz 001", "gz-001" or "gz001"),
 * - one of its aliases as a whole phrase ("dotted gauze", "the blue one"),
 * - two consecutive distinctive words of its title, read with function words left out of both
 *   the title and the line ("Dotted gauze scarf": "dotted gauze" or "gauze scarf"; a lone
 *   "scarf" or "the" does not), or the one distinctive word of a title that has only one.
 * A line naming a product several ways counts once for it.
 */
export interface ProductMentions {
  productId: string;
  /** lines that name it */
  count: number;
  /** distinct viewers who named it */
  viewers: number;
}

type PhraseIndex = Map<string, Array<{ productId: string; rest: string[] }>>;

function addPhrase(index: PhraseIndex, productId: string, words: readonly string[]): void {
  if (words.length === 0) return;
  const [first, ...rest] = words;
  const list = index.get(first!) ?? [];
  if (!list.some((p) => p.productId === productId && p.rest.join(' ') === rest.join(' '))) list.push({ productId, rest });
  index.set(first!, list);
}

/** the title words a line must carry, as phrases of the function-word-free text */
export function titlePhrases(title: string): string[][] {
  const words = tokenize(title).filter(isDistinctive);
  if (words.length === 0) {
    const all = tokenize(title);
    return all.length > 0 ? [all] : [];
  }
  if (words.length === 1) return [words];
  const pairs: string[][] = [];
  for (let i = 0; i + 1 < words.length; i++) pairs.push([words[i]!, words[i + 1]!]);
  return pairs;
}

/** the SKU as a phrase of its parts and as one joined word */
function skuPhrases(sku: string): string[][] {
  const parts = tokenize(sku);
  if (parts.length === 0) return [];
  return parts.length === 1 ? [parts] : [parts, [parts.join('')]];
}

function matchesAt(words: readonly string[], at: number, rest: readonly string[]): boolean {
  // the phrase's remaining words must fit before the line's end
  if (at + rest.length >= words.length) return false;
  for (let k = 0; k < rest.length; k++) if (words[at + 1 + k] !== rest[k]) return false;
  return true;
}

function findIn(index: PhraseIndex, words: readonly string[], into: Set<string>): void {
  for (let i = 0; i < words.length; i++) {
    const candidates = index.get(words[i]!);
    if (!candidates) continue;
    for (const c of candidates) if (!into.has(c.productId) && matchesAt(words, i, c.rest)) into.add(c.productId);
  }
}

/** A matcher built once per report: each line is then read in one pass over its words. */
export class MentionMatcher {
  private readonly exact: PhraseIndex = new Map();
  private readonly titles: PhraseIndex = new Map();

  constructor(products: readonly ReportProduct[]) {
    for (const p of products) {
      for (const sku of [p.sku, ...p.variantSkus]) for (const phrase of skuPhrases(sku)) addPhrase(this.exact, p.id, phrase);
      for (const alias of p.aliases) addPhrase(this.exact, p.id, tokenize(alias));
      for (const phrase of titlePhrases(p.title)) addPhrase(this.titles, p.id, phrase);
    }
  }

  /** the products one line names */
  productsIn(text: string): Set<string> {
    return this.productsInWords(tokenize(text));
  }

  /** the products a line already read into its words names */
  productsInWords(words: readonly string[]): Set<string> {
    const found = new Set<string>();
    findIn(this.exact, words, found);
    findIn(this.titles, words.filter(isDistinctive), found);
    return found;
  }
}

/** Mentions per product over the lines, every product listed (0 when nobody named it). */
export function countMentions(lines: readonly WordLine[], products: readonly ReportProduct[]): ProductMentions[] {
  const matcher = new MentionMatcher(products);
  const counts = new Map<string, { count: number; viewers: Set<string> }>(products.map((p) => [p.id, { count: 0, viewers: new Set<string>() }]));
  for (const line of lines) {
    for (const productId of matcher.productsInWords(line.words)) {
      const c = counts.get(productId)!;
      c.count++;
      c.viewers.add(line.viewerId);
    }
  }
  return [...counts.entries()].map(([productId, c]) => ({ productId, count: c.count, viewers: c.viewers.size }));
}
