import { HawkerError } from '../domain/errors.js';
import type { ProductAliasRepository } from '../domain/report.js';
import { checkText } from '../domain/text.js';
import { tokenize } from './words.js';

export const ALIASES_MAX = 20;
export const ALIAS_MAX_CHARS = 60;

/**
 * A product's aliases as the merchant typed them, checked: at most 20, each trimmed, 1 to 60
 * characters of printable text with at least one letter or digit (the report matches words),
 * unique without case or accents ("Gaze" and "gazé" are one). Every problem is reported,
 * naming its entry; nothing is saved unless all pass.
 */
export function checkAliases(raw: readonly string[]): string[] {
  const problems: Array<{ field: string; problem: string }> = [];
  if (raw.length > ALIASES_MAX) problems.push({ field: 'aliases', problem: `at most ${ALIASES_MAX} aliases (got ${raw.length})` });
  const seen = new Map<string, number>();
  const out: string[] = [];
  raw.forEach((alias, i) => {
    const field = `aliases[${i}]`;
    const verdict = checkText(alias);
    if (!verdict.ok) return problems.push({ field, problem: verdict.message });
    const text = verdict.text;
    if ([...text].length > ALIAS_MAX_CHARS) return problems.push({ field, problem: `at most ${ALIAS_MAX_CHARS} characters (got ${[...text].length})` });
    const words = tokenize(text);
    if (words.length === 0) return problems.push({ field, problem: 'has no letter or digit to match in chat' });
    const key = words.join(' ');
    const earlier = seen.get(key);
    if (earlier !== undefined) return problems.push({ field, problem: `the same as aliases[${earlier}] (case and accents aside)` });
    seen.set(key, i);
    out.push(text);
    return undefined;
  });
  if (problems.length > 0) throw new HawkerError('INVALID_ALIASES', problems.map((p) => `${p.field}: ${p.problem}`).join('; '), problems);
  return out;
}

/** The merchant's aliases of a product: read, and replaced as a whole list. */
export class ProductAliases {
  constructor(
    private readonly aliases: ProductAliasRepository,
    private readonly productExists: (id: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  list(productId: string): string[] {
    this.requireProduct(productId);
    return this.aliases.list(productId);
  }

  replace(productId: string, raw: readonly string[]): string[] {
    this.requireProduct(productId);
    const aliases = checkAliases(raw);
    this.aliases.replace(productId, aliases, this.now());
    return this.aliases.list(productId);
  }

  private requireProduct(productId: string): void {
    if (!this.productExists(productId)) throw new HawkerError('PRODUCT_NOT_FOUND', `no product with id ${productId}`);
  }
}
