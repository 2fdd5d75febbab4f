// The lineup: pin and unpin each product, flash sales, and which products the show presents.
import { input, el, put, exponent, toast } from '../ui.js';
import { api } from './api.js';
import { checkbox } from './forms.js';

/** @typedef {import('../../wire.js').LineupItem} LineupItem */

/** @param {import('./context.js').Cockpit} c */
export function lineupCard(c) {
  const { showId, store, act } = c;
  const lineupBox = el('div', { id: 'lineup' });

  /** @param {LineupItem} p */
  function flashSaleForm(p) {
    const priceId = `sale-price-${p.id}`, qtyId = `sale-qty-${p.id}`, durId = `sale-dur-${p.id}`;
    /** @param {SubmitEvent} e */
    function startSale(e) {
      e.preventDefault();
      const exp = exponent(p.currency);
      const body = { productId: p.id, price: Math.round(Number(input(priceId).value) * 10 ** exp), quantity: Number(input(qtyId).value), durationSeconds: Number(input(durId).value) * 60 };
      void act('POST', `/api/shows/${showId}/flash-sales`, body, `Flash sale on ${p.title}`);
    }
    return el('form', { class: 'inline-form', onsubmit: startSale },
      el('div', {}, el('label', { for: priceId, text: `Price (${p.currency})` }), el('input', { id: priceId, type: 'number', step: 'any', min: '0', required: true, value: String((p.price * 0.8) / 10 ** exponent(p.currency)) })),
      el('div', {}, el('label', { for: qtyId, text: 'Quantity' }), el('input', { id: qtyId, type: 'number', min: '1', max: String(p.stock), required: true, value: String(Math.min(10, p.stock)) })),
      el('div', {}, el('label', { for: durId, text: 'Minutes' }), el('input', { id: durId, type: 'number', min: '1', max: '120', required: true, value: '5' })),
      el('button', { type: 'submit', 'data-flash-sale': p.id }, 'Start'));
  }

  /** @param {import('./store.js').CockpitState} state */
  function render({ lineup, overlay }) {
    const pinnedId = overlay && overlay.state.pinnedProductId;
    const sale = overlay && overlay.flashSale;
    /** @param {LineupItem} p */
    const item = (p) => el('div', { class: `lineup-item${pinnedId === p.id ? ' pinned-now' : ''}`, 'data-product-id': p.id },
      el('span', { class: 'title', text: p.title }),
      el('span', { class: 'muted', 'data-stock': '', text: sale && sale.productId === p.id ? `${sale.remaining}/${sale.quantity} left in sale` : `${p.stock} in stock` }),
      pinnedId === p.id
        ? el('button', { type: 'button', class: 'secondary small', onclick: () => act('DELETE', `/api/shows/${showId}/pin`, undefined, `Unpinned ${p.title}`) }, 'Unpin')
        : el('button', { type: 'button', class: 'small', 'data-pin': p.id, onclick: () => act('POST', `/api/shows/${showId}/pin`, { productId: p.id }, `Pinned ${p.title}`) }, 'Pin'),
      el('details', {}, el('summary', { text: 'Flash sale' }), flashSaleForm(p)));
    put(lineupBox,
      lineup.length ? null : el('p', { class: 'muted', text: 'Add products to the lineup below.' }),
      ...lineup.map(item),
      sale ? el('div', { class: 'row', style: 'margin-top:.5rem' },
        el('span', { text: `Flash sale running: ${sale.remaining}/${sale.quantity} left, ends ${new Date(sale.endsAt).toLocaleTimeString()}` }),
        el('button', { type: 'button', class: 'secondary small', onclick: () => act('DELETE', `/api/shows/${showId}/flash-sales/current`, undefined, 'Flash sale stopped') }, 'Stop sale')) : null);
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
