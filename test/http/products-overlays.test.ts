import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import t from 'tap';
import { alphaPlane } from '../../src/overlay/yuv.js';
import { buildTestApp } from '../helpers/app.js';

t.test('products and the overlay API', async (t) => {
  const { app, auth, db, dataDir, services } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const json = (method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, body?: unknown) =>
    app.inject({ method, url, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  const hose = { sku: 'HOSE-30', title: 'Expandable garden hose 30 m', price: 1999, currency: 'usd', compareAtPrice: 2999, stock: 120 };

  let productId = '';
  await t.test('create a product; bad ones get clear errors and store nothing', async (t) => {
    const res = await json('POST', '/api/products', hose);
    t.equal(res.statusCode, 201);
    t.match(res.json(), { sku: 'HOSE-30', currency: 'USD', price: 1999, compareAtPrice: 2999, hasImage: false });
    productId = res.json().id;
    const bad: Array<[string, unknown, number, string]> = [
      ['negative price', { ...hose, sku: 'A1', price: -1 }, 400, 'VALIDATION_FAILED'],
      ['fractional price', { ...hose, sku: 'A2', price: 19.99 }, 400, 'VALIDATION_FAILED'],
      ['price as a string', { ...hose, sku: 'A3', price: '1999' }, 400, 'VALIDATION_FAILED'],
      ['unknown currency', { ...hose, sku: 'A4', currency: 'XYZ' }, 422, 'INVALID_PRODUCT'],
      ['compare-at not higher', { ...hose, sku: 'A5', compareAtPrice: 1000 }, 422, 'INVALID_PRODUCT'],
      ['negative stock', { ...hose, sku: 'A6', stock: -5 }, 400, 'VALIDATION_FAILED'],
      ['duplicate SKU', hose, 409, 'SKU_TAKEN'],
      ['title too long', { ...hose, sku: 'A7', title: 'x'.repeat(2001) }, 400, 'VALIDATION_FAILED'],
      ['unknown field', { ...hose, sku: 'A8', colour: 'green' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [name, body, status, code] of bad) {
      const r = await json('POST', '/api/products', body);
      t.equal(r.statusCode, status, name);
      t.equal(r.json().code, code, name);
    }
    t.equal((await json('GET', '/api/products')).json().length, 1, 'none of them stored');
    const long = await json('POST', '/api/products', { ...hose, sku: 'LONG', title: '花园软管 🌿 '.repeat(200).slice(0, 2000) });
    t.equal(long.statusCode, 201, 'a 2,000-character CJK + emoji title is fine');
  });

  await t.test('image upload: validated, metadata stripped, sizes made; bad uploads refused', async (t) => {
    const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#2e8b57' } })
      .jpeg()
      .withMetadata({ exif: { IFD0: { Copyright: 'secret-owner', Artist: 'someone' } } })
      .toBuffer();
    t.match((await sharp(photo).metadata()).exif, Buffer, 'the upload carries EXIF');
    const up = await app.inject({ method: 'PUT', url: `/api/products/${productId}/image`, headers: { ...auth, 'content-type': 'image/jpeg' }, payload: photo });
    t.equal(up.statusCode, 200);
    t.same(up.json().image, { width: 1200, height: 900, format: 'jpeg' });
    t.equal(up.json().product.hasImage, true);
    const stored = readFileSync(join(dataDir, 'media', 'products', productId, 'image.webp'));
    t.equal((await sharp(stored).metadata()).exif, undefined, 'EXIF stripped');
    t.same(await sharp(join(dataDir, 'media', 'products', productId, 'overlay.png')).metadata().then((m) => [m.width, m.height]), [120, 120]);

    const cases: Array<[string, string, Buffer, number, string]> = [
      ['text pretending to be PNG', 'image/png', Buffer.from('this is not an image at all'), 415, 'UNSUPPORTED_IMAGE'],
      ['an SVG', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'), 415, 'UNSUPPORTED_IMAGE'],
      ['50 MB', 'image/jpeg', Buffer.alloc(50 * 1024 * 1024, 1), 413, 'BODY_TOO_LARGE'],
      ['wrong content type', 'text/plain', Buffer.from('hello'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [name, type, payload, status, code] of cases) {
      const r = await app.inject({ method: 'PUT', url: `/api/products/${productId}/image`, headers: { ...auth, 'content-type': type }, payload });
      t.equal(r.statusCode, status, name);
      t.equal(r.json().code, code, name);
    }
    const missing = await app.inject({ method: 'PUT', url: '/api/products/nope/image', headers: { ...auth, 'content-type': 'image/jpeg' }, payload: photo });
    t.equal(missing.json().code, 'PRODUCT_NOT_FOUND');
    t.equal((await json('GET', `/api/products/${productId}`)).json().hasImage, true, 'the good image is still in place');
  });

  const show = (await json('POST', '/api/shows', { title: 'Garden show' })).json();
  services.overlays.inputsFor(show.id);
  const slotFile = (slot: string) => join(dataDir, 'overlay', show.id, `${slot}.yuva`);
  const inkedPixels = (slot: string, width?: number, height?: number) => {
    const spec = width && height ? { width, height } : services.overlays.slotSize(slot);
    const alpha = alphaPlane(readFileSync(slotFile(slot)), spec.width, spec.height);
    let n = 0;
    for (const a of alpha) if (a > 0) n++;
    return n;
  };

  await t.test('pin, unpin: state, timeline, and the pictures FFmpeg reads', async (t) => {
    const pin = await json('POST', `/api/shows/${show.id}/pin`, { productId });
    t.equal(pin.statusCode, 200);
    t.equal(pin.json().overlay.state.pinnedProductId, productId);
    t.equal(pin.json().overlay.pinnedProduct.title, hose.title);
    t.equal(pin.json().event.programDateTime, null, 'not transcoding: no PROGRAM-DATE-TIME to give');
    t.ok(inkedPixels('product') > 10_000, 'the product card is drawn');
    t.equal((await json('GET', `/api/shows/${show.id}/overlay`)).json().state.pinnedProductId, productId);
    const unpin = await json('DELETE', `/api/shows/${show.id}/pin`);
    t.equal(unpin.json().overlay.state.pinnedProductId, null);
    t.equal(inkedPixels('product'), 0, 'and cleared');
    const events = (await json('GET', `/api/shows/${show.id}/timeline`)).json().events.filter((e: { type: string }) => e.type === 'overlay.changed');
    t.same(events.map((e: { payload: { change: string } }) => e.payload.change), ['pin', 'unpin']);
    t.equal((await json('POST', `/api/shows/${show.id}/pin`, { productId: 'nope' })).json().code, 'PRODUCT_NOT_FOUND');
    t.equal((await json('POST', '/api/shows/nope/pin', { productId })).json().code, 'SHOW_NOT_FOUND');
  });

  await t.test('flash sale, announcement, QR, hide all, theme', async (t) => {
    const sale = await json('POST', `/api/shows/${show.id}/flash-sales`, { productId, price: 1499, quantity: 100, durationSeconds: 120, perCustomerLimit: 2 });
    t.equal(sale.statusCode, 201);
    t.match(sale.json().overlay.flashSale, { price: 1499, quantity: 100, remaining: 100, perCustomerLimit: 2, secondsLeft: 120 });
    t.ok(inkedPixels('flash') > 10_000);
    for (const [body, code] of [
      [{ productId, price: 1499, quantity: 1000, durationSeconds: 60 }, 'NOT_ENOUGH_STOCK'],
      [{ productId, price: -1, quantity: 10, durationSeconds: 60 }, 'VALIDATION_FAILED'],
      [{ productId, price: 100, quantity: 0, durationSeconds: 60 }, 'VALIDATION_FAILED'],
      [{ productId, price: 100, quantity: 10, durationSeconds: 1 }, 'VALIDATION_FAILED'],
    ] as const) {
      t.equal((await json('POST', `/api/shows/${show.id}/flash-sales`, body)).json().code, code);
    }
    t.equal((await json('DELETE', `/api/shows/${show.id}/flash-sales/current`)).json().overlay.flashSale, null);
    t.equal((await json('DELETE', `/api/shows/${show.id}/flash-sales/current`)).json().code, 'FLASH_SALE_NOT_FOUND');
    t.equal(inkedPixels('flash'), 0);

    const ann = await json('PUT', `/api/shows/${show.id}/announcement`, { text: 'Code LIVE10: 10% off the next 10 orders' });
    t.equal(ann.json().overlay.state.announcement.text, 'Code LIVE10: 10% off the next 10 orders');
    t.ok(inkedPixels('announcement') > 10_000);
    t.equal((await json('PUT', `/api/shows/${show.id}/announcement`, { text: 'x'.repeat(141) })).statusCode, 400);
    t.equal((await json('PUT', `/api/shows/${show.id}/announcement`, { text: '  ' })).statusCode, 400);

    await json('POST', `/api/shows/${show.id}/pin`, { productId });
    t.equal((await json('PUT', `/api/shows/${show.id}/qr`, { enabled: true })).json().overlay.state.qr, true);
    t.ok(inkedPixels('qr') > 5_000, 'the QR code is drawn');

    const hidden = await json('PUT', `/api/shows/${show.id}/overlay/hidden`, { hidden: true });
    t.equal(hidden.json().overlay.state.hidden, true);
    t.equal(inkedPixels('product') + inkedPixels('qr') + inkedPixels('announcement'), 0, 'everything hidden');
    await json('PUT', `/api/shows/${show.id}/overlay/hidden`, { hidden: false });
    t.ok(inkedPixels('product') > 10_000, 'and back, as it was');

    t.equal((await json('PUT', `/api/shows/${show.id}/theme`, { brandColor: '#00AA00' })).json().overlay.state.theme.brandColor, '#00AA00');
    for (const body of [{ brandColor: 'red' }, { brandColor: '#00AA00"/><script>' }, {}, { cornerRadius: 99 }]) {
      t.equal((await json('PUT', `/api/shows/${show.id}/theme`, body)).statusCode, 400, JSON.stringify(body));
    }
  });

  await t.test('the layout on the video, for tap targets: follows the frame the show is transcoded at', async (t) => {
    const landscape = (await json('GET', `/api/shows/${show.id}/overlay`)).json().layout;
    t.match(landscape, { orientation: 'landscape', frame: { width: 1280, height: 720 } });
    t.same(landscape.slots.product, { x: 0.0188, y: 0.6583, width: 0.4375, height: 0.2083 }, 'the card: 24,474 560x150 of 1280x720');
    // a reconnect in portrait: the pipeline asks for inputs for a 720x1280 frame
    services.overlays.inputsFor(show.id, { width: 720, height: 1280 });
    const portrait = (await json('GET', `/api/shows/${show.id}/overlay`)).json().layout;
    t.match(portrait, { orientation: 'portrait', frame: { width: 720, height: 1280 } });
    t.same(portrait.slots.product, { x: 0.0333, y: 0.6438, width: 0.8556, height: 0.1297 }, 'the card: 24,824 616x166 of 720x1280');
    t.equal(services.overlays.slotSize('product', show.id).width, 616, 'its slot file is the portrait size');
    await json('DELETE', `/api/shows/${show.id}/pin`);
    await json('POST', `/api/shows/${show.id}/pin`, { productId });
    t.ok(inkedPixels('product', 616, 166) > 10_000, 'and drawn at that size');
  });

  await t.test('deleting a show deletes its overlay pictures and state', async (t) => {
    t.ok(existsSync(join(dataDir, 'overlay', show.id)));
    t.equal((await json('DELETE', `/api/shows/${show.id}`)).statusCode, 204);
    t.notOk(existsSync(join(dataDir, 'overlay', show.id)), 'the slot files are gone');
    t.equal((await json('GET', `/api/shows/${show.id}/overlay`)).json().code, 'SHOW_NOT_FOUND');
    t.equal(db.prepare('SELECT count(*) FROM show_overlays WHERE show_id = ?').pluck().get(show.id), 0, 'state rows cascade');
  });

  await t.test('overlay routes need the admin token', async (t) => {
    const res = await app.inject({ method: 'POST', url: `/api/shows/${show.id}/pin`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ productId }) });
    t.equal(res.statusCode, 401);
    t.equal((await app.inject({ url: '/api/products' })).statusCode, 401);
  });
});
