// The catalog: products with price, stock and image, and the CSV import.
import { $, input, el, put, toast } from '../ui.js';
import { money, parseMoney, unitsText } from '../money.js';
import { api } from './api.js';
import { field, showErrors } from './forms.js';
import { variantEditor } from './variants.js';
import { productClips } from './product-clips.js';

/** @typedef {import('../../wire.js').Product} Product */
/** @typedef {import('./api.js').ApiError} ApiError */

/** @param {string} message @param {import('./api.js').FieldProblem[]} details @returns {ApiError} */
const fieldError = (message, details) => Object.assign(new Error(message), { details });

/** @param {HTMLElement} main @param {() => void} reload */
export async function productsView(main, reload) {
  /** @type {Product[]} */
  const products = await api('GET', '/api/products');
  /** @type {Product | null} */
  let editing = null;
  // the product being edited: its demo clips across shows
  const clips = productClips();
  const variants = variantEditor({ sku: () => input('p-sku').value.trim(), price: () => input('p-price').value, currency: () => input('p-currency').value.trim().toUpperCase() });
  const form = el('form', { class: 'card', 'data-prefix': 'p-', novalidate: true },
    el('h2', { id: 'product-form-title', text: 'New product' }),
    ...field('p-sku', 'SKU', { required: true, maxlength: '64' }),
    ...field('p-title', 'Title', { required: true, maxlength: '200' }),
    ...field('p-description', 'Description', { tag: 'textarea', rows: '3', maxlength: '5000' }),
    ...field('p-price', 'Price (e.g. 19.99)', { required: true, inputmode: 'decimal', placeholder: 'a point or a comma: 19.99 or 19,99' }),
    ...field('p-currency', 'Currency (ISO 4217)', { required: true, maxlength: '3', value: 'EUR' }),
    ...field('p-compareAtPrice', 'Compare-at price (optional)', { inputmode: 'decimal', placeholder: 'e.g. 24.99 or 24,99' }),
    ...field('p-stock', 'Stock', { type: 'number', min: '0', step: '1', placeholder: 'with variants: per variant below' }),
    variants.node,
    ...field('p-image', 'Image (JPEG, PNG, WebP)', { type: 'file', accept: 'image/*' }),
    el('div', { class: 'row' }, el('button', { type: 'submit' }, 'Save product'), el('button', { type: 'button', class: 'secondary', onclick: () => fill(null) }, 'New')));

  /** the form shows this product (null: a new one) @param {Product | null} p */
  function fill(p) {
    editing = p;
    $('product-form-title').textContent = p ? `Edit ${p.title}` : 'New product';
    input('p-sku').value = p ? p.sku : '';
    input('p-title').value = p ? p.title : '';
    /** @type {HTMLTextAreaElement} */ ($('p-description')).value = p ? p.description : '';
    input('p-price').value = p ? unitsText(p.price, p.currency) : '';
    input('p-currency').value = p ? p.currency : 'EUR';
    input('p-compareAtPrice').value = p && p.compareAtPrice != null ? unitsText(p.compareAtPrice, p.currency) : '';
    input('p-stock').value = p ? String(p.stock) : '';
    variants.fill(p);
    void clips.show(p);
    for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  }

  /** @param {SubmitEvent} e */
  async function save(e) {
    e.preventDefault();
    try {
      const currency = input('p-currency').value.trim().toUpperCase();
      /** @type {import('./api.js').FieldProblem[]} */
      const problems = [];
      /** the field's minor units, or its problem noted @param {string} name */
      const moneyOf = (name) => {
        const parsed = parseMoney(input(`p-${name}`).value, currency);
        if ('minor' in parsed) return parsed.minor;
        problems.push({ field: name, problem: parsed.problem });
        return 0;
      };
      if (!/^[A-Z]{3}$/.test(currency)) problems.push({ field: 'currency', problem: 'a three-letter ISO 4217 code such as EUR or USD' });
      const price = moneyOf('price');
      const compareAtPrice = input('p-compareAtPrice').value.trim() ? moneyOf('compareAtPrice') : null;
      const stockText = input('p-stock').value.trim();
      const sold = variants.active() ? variants.read(currency, problems) : null;
      if (!sold && !/^\d+$/.test(stockText)) problems.push({ field: 'stock', problem: 'a whole number, 0 or more' });
      if (problems.length) throw fieldError('invalid fields', problems);
      /** @type {Record<string, unknown>} */
      const body = {
        sku: input('p-sku').value.trim(),
        title: input('p-title').value.trim(),
        description: /** @type {HTMLTextAreaElement} */ ($('p-description')).value,
        price,
        currency,
        compareAtPrice,
      };
      // an edit sends stock only when the merchant changed it, with the version it was read at:
      // orders placed since the form was filled have lowered it, and writing back the old figure
      // would sell stock twice (a stale version is refused with STALE_STOCK)
      if (sold) {
        // with variants the stock is theirs, each edited with its own version
        body.options = sold.options;
        body.variants = sold.variants;
      } else if (editing && editing.variants.length) {
        body.options = [];
        body.variants = [];
      } else if (!editing || Number(stockText) !== editing.stock) {
        body.stock = Number(stockText);
        if (editing) body.stockVersion = editing.stockVersion;
      }
      const file = input('p-image').files?.[0];
      /** @type {Product} */
      const saved = editing ? await api('PATCH', `/api/products/${editing.id}`, body) : await api('POST', '/api/products', body);
      if (file) {
        try {
          await api('PUT', `/api/products/${saved.id}/image`, file, file.type || 'application/octet-stream');
        } catch (err) {
          const error = /** @type {ApiError} */ (err);
          $('p-image-error').textContent = `${error.message} (the product itself is saved)`;
          throw Object.assign(error, { shown: true });
        }
      }
      toast(`Saved ${saved.title}`);
      reload();
    } catch (err) {
      const error = /** @type {ApiError} */ (err);
      if (!error.shown) showErrors(form, error);
    }
  }
  form.addEventListener('submit', save);

  const csv = el('form', { class: 'card' },
    el('h2', { text: 'Import a catalog (CSV)' }),
    el('p', { class: 'muted', text: 'Header: sku,title,description,price,currency,compareAtPrice,stock; prices like 19.99. Variants: one row each, with parent_sku (the product) and option1_name,option1_value (up to option3). All rows or none.' }),
    ...field('csv-file', 'CSV file', { type: 'file', accept: '.csv,text/csv', required: true }),
    el('ul', { id: 'csv-report', class: 'field-error', 'aria-live': 'polite' }),
    el('button', { type: 'submit' }, 'Import'));
  /** @param {SubmitEvent} e */
  async function importCsv(e) {
    e.preventDefault();
    const file = input('csv-file').files?.[0];
    if (!file) return;
    const report = $('csv-report');
    put(report);
    try {
      const r = await api('POST', '/api/products/import', await file.text(), 'text/csv');
      toast(`Imported: ${r.created} new, ${r.updated} updated`);
      reload();
    } catch (err) {
      const error = /** @type {ApiError} */ (err);
      /** @type {Array<{ line: number, sku?: string, problems?: Array<{ field: string, problem: string }> }>} */
      const rows = Array.isArray(error.details) ? error.details : (error.details && error.details.errors) || [];
      put(report, el('li', { text: error.message }), ...rows.slice(0, 50).map((row) => el('li', { text: `line ${row.line}${row.sku ? ` (${row.sku})` : ''}: ${(row.problems || []).map((p) => `${p.field} ${p.problem}`).join('; ')}` })));
    }
  }
  csv.addEventListener('submit', importCsv);

  /** @param {Product} p */
  function productRow(p) {
    function edit() {
      fill(p);
      $('p-title').focus();
    }
    return el('tr', {},
      el('td', {}, p.hasImage ? el('img', { src: `/media/products/${p.id}/thumb.webp?v=${Date.parse(p.updatedAt)}`, alt: '', width: '48', height: '48', style: 'border-radius:6px;object-fit:cover' }) : null),
      el('td', {}, el('strong', { text: p.title }), el('div', { class: 'muted', text: p.variants.length ? `${p.sku} · ${p.variants.length} variants` : p.sku })),
      el('td', { text: money(p.price, p.currency) }),
      el('td', { text: String(p.stock) }),
      el('td', {}, el('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit ${p.title}`, onclick: edit }, 'Edit')));
  }
  const table = el('table', {},
    el('thead', {}, el('tr', {}, el('th', { text: '' }), el('th', { text: 'Product' }), el('th', { text: 'Price' }), el('th', { text: 'Stock' }), el('th', { text: '' }))),
    el('tbody', {}, ...products.map(productRow)));
  put(main, el('h1', { text: 'Products' }), el('div', { class: 'grid', style: 'margin-top:1rem' }, el('div', { class: 'card' }, products.length ? table : el('p', { class: 'muted', text: 'No products yet.' })), el('div', { style: 'display:grid;gap:1rem' }, form, clips.node, csv)));
}
