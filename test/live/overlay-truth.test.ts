import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

// What is burned into the video agrees with what an order is charged: the pinned card shows the
// price in force, and the flash-sale box names the product on sale.
t.test('the pinned card shows the sale price; the flash box names its product', async (t) => {
  const { app, auth, db, services } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const admin = async (method: 'POST' | 'DELETE', url: string, body?: unknown) =>
    (await app.inject({ method, url, headers: auth, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) })).json() as Record<string, any>;
  const towel = await admin('POST', '/api/products', { sku: 'TOWEL', title: 'Beach towel', price: 2999, currency: 'EUR', compareAtPrice: 3999, stock: 20 });
  const mug = await admin('POST', '/api/products', { sku: 'MUG', title: 'Enamel mug', price: 1200, currency: 'EUR', stock: 20 });
  const show = await admin('POST', '/api/shows', { title: 'Card' });
  await admin('POST', `/api/shows/${show.id}/pin`, { productId: towel.id });
  const regular = services.overlays.drawing(show.id);
  t.match(regular.product, '€29.99', 'before the sale: the regular price');
  t.match(regular.product, '€39.99', 'struck against its compare-at price');

  await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: towel.id, price: 2399, quantity: 5, durationSeconds: 60 });
  const onSale = services.overlays.drawing(show.id);
  t.match(onSale.product, '€23.99', 'during the sale the card shows the sale price');
  t.notMatch(onSale.product, '€39.99', 'not the compare-at price');
  t.match(onSale.product, '€29.99', 'the regular price struck through');
  t.match(onSale.product, '-20%');
  t.match(onSale.flash, '>Beach towel</text>', 'the flash box names the towel');

  // a sale on another product: the card keeps the towel's own price, the box names the mug
  await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: mug.id, price: 960, quantity: 5, durationSeconds: 60 });
  const other = services.overlays.drawing(show.id);
  t.match(other.product, '€29.99');
  t.notMatch(other.product, '€23.99');
  t.match(other.flash, '>Enamel mug</text>');
  t.match(other.flash, '€9.60');

  await admin('DELETE', `/api/shows/${show.id}/flash-sales/current`);
  t.equal(services.overlays.drawing(show.id).flash, null, 'a stopped sale leaves the video at once');
});
