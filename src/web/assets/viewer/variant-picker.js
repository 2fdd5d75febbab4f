// Which variant of a product the viewer has chosen, one value per option, and which values can
// still be chosen: a value is offered only when some variant has it together with the values
// chosen for the other options, and is disabled when every such variant is sold out.

/** @typedef {import('../../wire.js').CheckoutOffer} CheckoutOffer */
/** @typedef {import('../../wire.js').OfferVariant} OfferVariant */
/** @typedef {Record<string, string>} Selection option name -> chosen value */

/** the variants that agree with the selection on every option except `except` @param {OfferVariant[]} variants @param {Selection} sel @param {string} [except] */
const matching = (variants, sel, except) => variants.filter((v) => Object.entries(sel).every(([name, value]) => name === except || v.options[name] === value));

/**
 * A value of an option as a button: whether any variant has it with the other choices, and
 * whether one of those is in stock.
 * @param {CheckoutOffer} p @param {Selection} sel @param {string} option @param {string} value
 * @returns {'available' | 'sold out' | 'none'}
 */
export function valueState(p, sel, option, value) {
  const found = matching(p.variants ?? [], sel, option).filter((v) => v.options[option] === value);
  if (!found.length) return 'none';
  return found.some((v) => v.stockLeft > 0) ? 'available' : 'sold out';
}

/** the variant the selection names, when it names one value for every option @param {CheckoutOffer} p @param {Selection} sel */
export function chosenVariant(p, sel) {
  const options = p.options ?? [];
  if (!p.variants?.length || options.some((o) => !sel[o.name])) return null;
  return matching(p.variants, sel)[0] ?? null;
}

/**
 * A starting selection: the only value of single-value options, and for products with one
 * variant in stock left, nothing else (the viewer chooses).
 * @param {CheckoutOffer} p @returns {Selection}
 */
export function initialSelection(p) {
  /** @type {Selection} */
  const sel = {};
  for (const o of p.options ?? []) if (o.values.length === 1 && o.values[0] !== undefined) sel[o.name] = o.values[0];
  return sel;
}

/**
 * Choosing a value (or unchoosing it with a second tap). Choices of other options that no
 * variant combines with it are dropped, so the selection always names a possible variant.
 * @param {CheckoutOffer} p @param {Selection} sel @param {string} option @param {string} value @returns {Selection}
 */
export function choose(p, sel, option, value) {
  if (sel[option] === value) {
    const { [option]: _dropped, ...rest } = sel;
    return rest;
  }
  /** @type {Selection} */
  const next = { ...sel, [option]: value };
  for (const name of Object.keys(next)) {
    if (name !== option && !matching(p.variants ?? [], next).length) delete next[name];
  }
  // an option left with one possible value is chosen too (S comes only in Sand: Sand)
  for (const o of p.options ?? []) {
    if (next[o.name]) continue;
    const possible = o.values.filter((value) => valueState(p, next, o.name, value) !== 'none');
    if (possible.length === 1 && possible[0] !== undefined) next[o.name] = possible[0];
  }
  return next;
}

/** "M / Red" @param {CheckoutOffer} p @param {OfferVariant} v */
export const variantLabel = (p, v) => (p.options ?? []).map((o) => v.options[o.name]).filter(Boolean).join(' / ');
