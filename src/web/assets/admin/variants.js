// The products form's variant editor: options typed one per line ("Size: S, M, L"), a row per
// variant with its SKU, price and stock, and a button that makes the rows of every combination.
import { el, put } from '../ui.js';
import { parseMoney, unitsText } from '../money.js';

/** @typedef {import('../../wire.js').Product} Product */
/** @typedef {import('../../wire.js').ProductVariant} ProductVariant */
/** @typedef {import('./api.js').FieldProblem} FieldProblem */

const MAX_VARIANTS = 100;

/**
 * One row of the editor: the variant it edits (none for a new one) and its inputs.
 * @typedef {{ variant: ProductVariant | null, options: Record<string, string>, sku: HTMLInputElement, price: HTMLInputElement, stock: HTMLInputElement, node: HTMLElement }} Row
 */

/** "Size: S, M, L" lines -> options; a line that is not "name: values" is a problem @param {string} text @param {FieldProblem[]} problems */
function parseOptions(text, problems) {
  /** @type {Array<{ name: string, values: string[] }>} */
  const options = [];
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    const values = colon > 0 ? line.slice(colon + 1).split(',').map((v) => v.trim()).filter(Boolean) : [];
    if (!name || !values.length) problems.push({ field: 'options', problem: `"${line}": write an option as name: value, value (Size: S, M, L)` });
    else options.push({ name, values });
  }
  return options;
}

/** every combination of one value per option @param {Array<{ name: string, values: string[] }>} options */
function combinations(options) {
  /** @type {Array<Record<string, string>>} */
  let out = [{}];
  for (const o of options) out = out.flatMap((c) => o.values.map((v) => ({ ...c, [o.name]: v })));
  return out;
}

/** @param {Record<string, string>} a @param {Record<string, string>} b */
const sameOptions = (a, b) => Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * @param {{ sku: () => string, price: () => string, currency: () => string }} product what the form says of the product
 */
export function variantEditor(product) {
  /** @type {Row[]} */
  let rows = [];
  const optionsBox = el('textarea', { id: 'p-options', name: 'p-options', rows: '3', placeholder: 'one option per line, e.g.\nSize: S, M, L\nColour: Red, Blue' });
  const body = el('tbody', { id: 'p-variant-rows' });
  const table = el('table', { class: 'variants' },
    el('thead', {}, el('tr', {}, el('th', { text: 'Variant' }), el('th', { text: 'SKU' }), el('th', { text: 'Price' }), el('th', { text: 'Stock' }), el('th', { text: '' }))),
    body);
  const error = el('p', { class: 'field-error', id: 'p-options-error', 'aria-live': 'polite' });
  const rowsError = el('p', { class: 'field-error', id: 'p-variants-error', 'aria-live': 'polite' });

  /** @param {ProductVariant | null} variant @param {Record<string, string>} options */
  function makeRow(variant, options) {
    const label = Object.values(options).join(' / ');
    const index = rows.length;
    const sku = el('input', { 'aria-label': `SKU of ${label}`, maxlength: '64', value: variant ? variant.sku : `${product.sku()}-${Object.values(options).join('-')}`.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64) });
    const price = el('input', { 'aria-label': `Price of ${label}`, inputmode: 'decimal', value: variant ? unitsText(variant.price, product.currency()) : product.price() });
    const stock = el('input', { 'aria-label': `Stock of ${label}`, type: 'number', min: '0', step: '1', value: variant ? String(variant.stock) : '' });
    /** @type {Row} */
    const row = { variant, options, sku, price, stock, node: el('tr', {}) };
    put(row.node,
      el('td', {}, label, el('p', { class: 'field-error', id: `p-variants[${index}]-error`, 'aria-live': 'polite' })),
      el('td', {}, sku), el('td', {}, price), el('td', {}, stock),
      el('td', {}, el('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove ${label}`, onclick: () => setRows(rows.filter((r) => r !== row)) }, 'Remove')));
    return row;
  }

  /** redraws the rows (their error slots are numbered by position) @param {Row[]} next */
  function setRows(next) {
    const kept = next.map((r) => ({ variant: r.variant, options: r.options, sku: r.sku.value, price: r.price.value, stock: r.stock.value }));
    rows = [];
    for (const k of kept) {
      const row = makeRow(k.variant, k.options);
      row.sku.value = k.sku;
      row.price.value = k.price;
      row.stock.value = k.stock;
      rows.push(row);
    }
    put(body, ...rows.map((r) => r.node));
    table.hidden = rows.length === 0;
  }

  /** a row for each combination of the options typed, keeping the rows that are there */
  function makeRows() {
    /** @type {FieldProblem[]} */
    const problems = [];
    const options = parseOptions(optionsBox.value, problems);
    error.textContent = problems.map((p) => p.problem).join('; ');
    if (problems.length) return;
    const wanted = combinations(options);
    if (wanted.length > MAX_VARIANTS) {
      error.textContent = `${wanted.length} combinations: at most ${MAX_VARIANTS} variants`;
      return;
    }
    const next = wanted.map((c) => rows.find((r) => sameOptions(r.options, c)) ?? makeRow(null, c));
    setRows(options.length ? next : []);
  }

  const node = el('fieldset', { class: 'variant-editor' },
    el('legend', { text: 'Variants (optional)' }),
    el('label', { for: 'p-options', text: 'Options' }), optionsBox, error,
    el('button', { type: 'button', class: 'secondary small', onclick: makeRows }, 'Make a row per combination'),
    table, rowsError);
  table.hidden = true;

  return {
    node,
    /** the editor shows this product's options and variants (null: none) @param {Product | null} p */
    fill(p) {
      optionsBox.value = p ? p.options.map((o) => `${o.name}: ${o.values.join(', ')}`).join('\n') : '';
      rows = [];
      setRows([]);
      if (p) {
        for (const v of p.variants) rows.push(makeRow(v, v.options));
        setRows(rows);
      }
    },
    /** whether the product is sold in variants (the product's own stock field is then unused) */
    active: () => rows.length > 0 || optionsBox.value.trim() !== '',
    /**
     * What the API takes: the options and every variant; stock only where it is new or was
     * changed, with the version it was read at (orders move it meanwhile: STALE_STOCK).
     * @param {string} currency
     * @param {FieldProblem[]} problems where its problems are noted
     */
    read(currency, problems) {
      const options = parseOptions(optionsBox.value, problems);
      const variants = rows.map((r, i) => {
        const parsed = parseMoney(r.price.value, currency);
        if (!('minor' in parsed)) problems.push({ field: `variants[${i}].price`, problem: parsed.problem });
        const stockText = r.stock.value.trim();
        const stock = /^\d+$/.test(stockText) ? Number(stockText) : null;
        if (stock === null && (!r.variant || stockText !== '')) problems.push({ field: `variants[${i}].stock`, problem: 'a whole number, 0 or more' });
        /** @type {Record<string, unknown>} */
        const v = { sku: r.sku.value.trim(), options: r.options, price: 'minor' in parsed ? parsed.minor : 0 };
        if (r.variant) v.id = r.variant.id;
        if (stock !== null && (!r.variant || stock !== r.variant.stock)) {
          v.stock = stock;
          if (r.variant) v.stockVersion = r.variant.stockVersion;
        }
        return v;
      });
      if (options.length && !variants.length) problems.push({ field: 'variants', problem: 'make the rows of the variants on sale' });
      return { options, variants };
    },
  };
}
