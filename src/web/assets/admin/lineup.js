// The lineup: pin and unpin each product, flash sales, and which products the show presents.
import { input, el, put, toast } from '../ui.js';
import { parseMoney, unitsText } from '../money.js';
import { api, fieldProblems } from './api.js';
import { checkbox, confirmIn, showErrors } from './forms.js';

/** @typedef {import('../../wire.js').LineupItem} LineupItem */

/** @param {import('./context.js').Cockpit} c */
export function lineupCard(c) {
  const { showId, store, act, doneLine, refreshOverlay: refresh } = c;
  const lineupBox = el('div', { id: 'lineup' });

  /** @param {LineupItem} p */
  function flashSaleForm(p) {
    const priceId = `sale-price-${p.id}`, qtyId = `sale-qty-${p.id}`, durId = `sale-dur-${p.id}`;
    /** the API's field names as this form's ids @type {Record<string, string>} */
    const ids = { price: priceId, quantity: qtyId, durationSeconds: durId };
    /** @param {SubmitEvent} e */
    async function startSale(e) {
      e.preventDefault();
      const submitted = /** @type {HTMLFormElement} */ (e.currentTarget);
      // the lineup may be redrawn while the request is out (an order moved the stock, a pin): what
      // is said goes into the form on screen, not into the one submitted, which is gone by then
      const onScreen = () => /** @type {HTMLFormElement | null} */ (lineupBox.querySelector(`form[data-sale-for="${CSS.escape(p.id)}"]`)) ?? submitted;
      const price = parseMoney(input(priceId).value, p.currency);
      try {
        if ('problem' in price) throw Object.assign(new Error(price.problem), { details: [{ field: 'price', problem: price.problem }] });
        await api('POST', `/api/shows/${showId}/flash-sales`, { productId: p.id, price: price.minor, quantity: Number(input(qtyId).value), durationSeconds: Number(input(durId).value) * 60 });
        for (const slot of onScreen().querySelectorAll('.field-error')) slot.textContent = '';
        confirmIn(doneLine, `Flash sale on ${p.title}`);
        await refresh();
      } catch (err) {
        const error = /** @type {import('./api.js').ApiError} */ (err);
        const named = fieldProblems(error);
        // a stock refusal names no field: it is the quantity's
        const details = named.length ? named : error.code === 'NOT_ENOUGH_STOCK' ? [{ field: 'quantity', problem: error.message }] : [];
        showErrors(onScreen(), Object.assign(error, { details: details.map((d) => ({ ...d, field: ids[String(d.field)] ?? String(d.field) })) }));
      }
    }
    /** @param {string} id @param {string} label @param {import('../ui.js').Props} props */
    const part = (id, label, props) => el('div', {}, el('label', { for: id, text: label }), el('input', { id, required: true, 'aria-describedby': `${id}-error`, ...props }), el('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' }));
    return el('form', { class: 'inline-form', novalidate: true, 'data-sale-for': p.id, onsubmit: startSale },
      // 80 % of the price, rounded to the currency's minor units (a float here once read 23.992000000000004)
      part(priceId, `Price (${p.currency})`, { inputmode: 'decimal', autocomplete: 'off', value: unitsText(Math.round(p.price * 0.8), p.currency) }),
      // the stock left (as last fetched), not a fixed 10 nor the stock when the cockpit opened
      part(qtyId, 'Quantity', { type: 'number', min: '1', max: String(Math.max(1, p.stock)), value: String(p.stock) }),
      part(durId, 'Minutes', { type: 'number', min: '1', max: '120', value: '5' }),
      el('button', { type: 'submit', 'data-flash-sale': p.id }, 'Start'));
  }

  /** what the list shows now: a refetch or an overlay push that changes none of it redraws nothing */
  let drawn = '';
  /** @param {import('./store.js').CockpitState} state */
  function render({ lineup, overlay }) {
    const pinnedId = overlay && overlay.state.pinnedProductId;
    const sale = overlay && overlay.flashSale;
    // a redraw under the merchant's pointer (mouse down on the old button, up on the new one) loses
    // their click: only real changes redraw
    const showing = JSON.stringify([lineup, pinnedId, sale]);
    if (showing === drawn) return;
    drawn = showing;
    /** @param {LineupItem} p */
    const item = (p) => el('div', { class: `lineup-item${pinnedId === p.id ? ' pinned-now' : ''}`, 'data-product-id': p.id },
      el('span', { class: 'title', text: p.title }),
      el('span', { class: 'muted', 'data-stock': '', text: sale && sale.productId === p.id ? `${sale.remaining}/${sale.quantity} left in sale · ${p.stock} in stock` : `${p.stock} in stock` }),
      pinnedId === p.id
        ? el('button', { type: 'button', class: 'secondary small', onclick: () => act('DELETE', `/api/shows/${showId}/pin`, undefined, `Unpinned ${p.title}`) }, 'Unpin')
        : el('button', { type: 'button', class: 'small', 'data-pin': p.id, onclick: () => act('POST', `/api/shows/${showId}/pin`, { productId: p.id }, `Pinned ${p.title}`) }, 'Pin'),
      el('details', {}, el('summary', { text: 'Flash sale' }), flashSaleForm(p)));
    // stock figures redraw the list while the merchant may be typing a sale: what is open, typed
    // and said next to a field stays as it was
    const open = new Set([...lineupBox.querySelectorAll('details[open]')].map((d) => d.closest('[data-product-id]')?.getAttribute('data-product-id')));
    const typed = [...lineupBox.querySelectorAll('input')].filter((i) => i.id && i.value !== i.defaultValue).map((i) => [i.id, i.value]);
    const said = [...lineupBox.querySelectorAll('.field-error')].filter((p) => p.id && p.textContent).map((p) => [p.id, p.textContent ?? '']);
    const focused = document.activeElement && lineupBox.contains(document.activeElement) ? document.activeElement.id : '';
    put(lineupBox,
      lineup.length ? null : el('p', { class: 'muted', text: 'Add products to the lineup below.' }),
      ...lineup.map(item),
      sale ? el('div', { class: 'row', style: 'margin-top:.5rem' },
        el('span', { text: `Flash sale running: ${sale.remaining}/${sale.quantity} left, ends ${new Date(sale.endsAt).toLocaleTimeString()}` }),
        el('button', { type: 'button', class: 'secondary small', onclick: () => act('DELETE', `/api/shows/${showId}/flash-sales/current`, undefined, 'Flash sale stopped') }, 'Stop sale')) : null);
    for (const d of lineupBox.querySelectorAll('details')) if (open.has(d.closest('[data-product-id]')?.getAttribute('data-product-id'))) d.open = true;
    for (const [id, value] of typed) {
      const field = lineupBox.querySelector(`#${CSS.escape(id)}`);
      if (field instanceof HTMLInputElement) field.value = value;
    }
    for (const [id, text] of said) {
      const slot = lineupBox.querySelector(`#${CSS.escape(id)}`);
      if (slot) slot.textContent = text;
    }
    if (focused) /** @type {HTMLElement | null} */ (lineupBox.querySelector(`#${CSS.escape(focused)}`))?.focus();
  }
  store.on(['lineup', 'overlay'], render);

  /** @param {SubmitEvent} e */
  async function saveLineup(e) {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    const ids = [...form.querySelectorAll('input:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value);
    try {
      store.set({ lineup: await api('PUT', `/api/shows/${showId}/lineup`, { productIds: ids }) });
      toast('Lineup saved');
    } catch (err) {
      toast(/** @type {Error} */ (err).message, true);
    }
  }
  const { products, lineup } = store.get();
  const editor = el('details', {},
    el('summary', { text: 'Edit lineup' }),
    el('form', { onsubmit: saveLineup },
      el('fieldset', {}, el('legend', { text: 'Products in this show' }),
        ...(products.length
          ? products.map((p) => checkbox({ value: p.id, checked: lineup.some((l) => l.id === p.id) }, p.title))
          : [el('p', { class: 'muted' }, 'No products yet: ', el('a', { href: '#/products', text: 'add some' }))])),
      el('button', { type: 'submit', class: 'small' }, 'Save lineup')));
  return [lineupBox, editor];
}

/**
 * Stock left in the lineup, kept true while people buy: no socket message carries a product's
 * stock, so the lineup is fetched again when one says stock moved (a sale's count, a change in
 * the orders the stats count) and on every (re)connect; a burst of them fetches once.
 * @param {import('./context.js').Cockpit} c
 * @returns {{ refresh(): void, stop(): void }}
 */
export function lineupRefresher(c) {
  let pending = 0;
  const load = async () => {
    /** @type {LineupItem[]} */
    const lineup = await api('GET', `/api/shows/${c.showId}/lineup`);
    if (c.current()) c.store.set({ lineup });
  };
  return {
    refresh() {
      clearTimeout(pending);
      pending = window.setTimeout(() => c.current() && load().catch(() => {}), 200);
    },
    stop: () => clearTimeout(pending),
  };
}
