import { checkText } from './text.js';
import { OPTION_NAME_MAX, OPTION_VALUE_MAX, OPTION_VALUES_MAX, OPTIONS_MAX, VARIANTS_MAX, type ProductOption } from './product.js';

/** One field's problem, named the way the request names it: "variants[2].options.Size". */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** A variant as a request states it (stock may be left out of an edit of one that exists). */
export interface VariantDraft {
  sku: string;
  options: Record<string, string>;
  price: number;
  compareAtPrice?: number | null;
  stock?: number;
}

export const SKU_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MINOR_MAX = 10_000_000_000;

const folded = (s: string) => s.trim().toLocaleLowerCase('en');

/**
 * The rules for a product's options and variants, as one list of problems (empty: valid):
 * 0..3 options of 1..20 distinct values, names distinct; each variant names exactly one known
 * value per option, no two the same combination or the same SKU; at most 100 variants; limits
 * on every length. SKUs clashing with other products are the catalog's to check (it sees them).
 */
export function variantProblems(options: readonly ProductOption[], variants: readonly VariantDraft[]): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (options.length > OPTIONS_MAX) out.push({ field: 'options', problem: `at most ${OPTIONS_MAX} options` });
  const names = new Set<string>();
  options.forEach((o, i) => {
    const where = `options[${i}]`;
    const name = checkText(o.name);
    if (!name.ok) out.push({ field: `${where}.name`, problem: name.message });
    else if (o.name.length > OPTION_NAME_MAX) out.push({ field: `${where}.name`, problem: `must be at most ${OPTION_NAME_MAX} characters` });
    else if (names.has(folded(o.name))) out.push({ field: `${where}.name`, problem: `"${o.name}" is named twice` });
    names.add(folded(o.name));
    if (o.values.length < 1 || o.values.length > OPTION_VALUES_MAX) out.push({ field: `${where}.values`, problem: `must hold 1-${OPTION_VALUES_MAX} values` });
    const values = new Set<string>();
    o.values.forEach((v, j) => {
      const value = checkText(v);
      if (!value.ok) out.push({ field: `${where}.values[${j}]`, problem: value.message });
      else if (v.length > OPTION_VALUE_MAX) out.push({ field: `${where}.values[${j}]`, problem: `must be at most ${OPTION_VALUE_MAX} characters` });
      else if (values.has(folded(v))) out.push({ field: `${where}.values[${j}]`, problem: `"${v}" is listed twice` });
      values.add(folded(v));
    });
  });
  if (variants.length > VARIANTS_MAX) out.push({ field: 'variants', problem: `at most ${VARIANTS_MAX} variants` });
  if (options.length > 0 && variants.length === 0) out.push({ field: 'variants', problem: 'a product with options needs at least one variant' });
  if (options.length === 0 && variants.length > 0) out.push({ field: 'options', problem: 'variants need options: each variant names one value per option' });
  const skus = new Set<string>();
  const combinations = new Set<string>();
  variants.forEach((v, i) => {
    const where = `variants[${i}]`;
    if (!SKU_RULE.test(v.sku)) out.push({ field: `${where}.sku`, problem: 'must be 1-64 letters, digits, dot, dash or underscore' });
    else if (skus.has(v.sku)) out.push({ field: `${where}.sku`, problem: `${v.sku} is the SKU of another variant in this product` });
    skus.add(v.sku);
    if (!Number.isInteger(v.price) || v.price < 0 || v.price > MINOR_MAX) out.push({ field: `${where}.price`, problem: 'must be a whole number of minor units >= 0' });
    if (v.compareAtPrice != null && v.compareAtPrice <= v.price) out.push({ field: `${where}.compareAtPrice`, problem: 'must be higher than price' });
    if (v.stock !== undefined && (!Number.isInteger(v.stock) || v.stock < 0)) out.push({ field: `${where}.stock`, problem: 'must be a whole number >= 0' });
    for (const key of Object.keys(v.options)) {
      if (!options.some((o) => o.name === key)) out.push({ field: `${where}.options.${key}`, problem: `the product has no option "${key}"` });
    }
    let complete = true;
    for (const o of options) {
      // own keys only: an option named "constructor" must not find Object's
      const value = Object.hasOwn(v.options, o.name) ? v.options[o.name] : undefined;
      if (value === undefined) {
        complete = false;
        out.push({ field: `${where}.options.${o.name}`, problem: `names no ${o.name}: one of ${o.values.join(', ')}` });
      } else if (!o.values.includes(value)) {
        complete = false;
        out.push({ field: `${where}.options.${o.name}`, problem: `"${value}" is not one of ${o.values.join(', ')}` });
      }
    }
    if (!complete) return;
    const combination = JSON.stringify(options.map((o) => v.options[o.name]));
    if (combinations.has(combination)) out.push({ field: `${where}.options`, problem: `another variant is ${options.map((o) => v.options[o.name]).join(' / ')}` });
    combinations.add(combination);
  });
  return out;
}
