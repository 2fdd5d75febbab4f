import t from 'tap';
import sharp from 'sharp';
import { buildTestApp, listenTestApp } from '../helpers/app.js';
import { LiveClient, type Received } from '../helpers/live-client.js';

interface VariantBody {
  id: string;
  sku: string;
  options: Record<string, string>;
  price: number;
  compareAtPrice: number | null;
  stock: number;
  stockVersion: number;
  hasImage: boolean;
  imageUrl?: string;
}

const tee = {
  sku: 'TEE',
  title: 'Logo tee',
  price: 2000,
  currency: 'EUR',
  options: [
    { name: 'Size', values: ['S', 'M', 'L'] },
    { name: 'Colour', values: ['Red', 'Blue'] },
  ],
  variants: [
    { sku: 'TEE-S-RED', options: { Size: 'S', Colour: 'Red' }, price: 2000, stock: 3 },
    { sku: 'TEE-M-RED', options: { Size: 'M', Colour: 'Red' }, price: 2000, stock: 4 },
    { sku: 'TEE-L-BLUE', options: { Size: 'L', Colour: 'Blue' }, price: 2200, compareAtPrice: 2500, stock: 5 },
  ],
};

t.test('products with options and variants', async (t) => {
  const { app, auth, db } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const json = (method: 'POST' | 'GET' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown) =>
    app.inject({ method, url, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });

  const created = await json('POST', '/api/products', tee);
  t.equal(created.statusCode, 201, created.body);
  const product = created.json() as { id: string; stock: number; options: unknown; variants: VariantBody[] };

  await t.test('create and read: the variants in order, the product stock their sum', async (t) => {
    t.same(product.options, tee.options);
    t.equal(product.variants.length, 3);
    t.match(product.variants[2], { sku: 'TEE-L-BLUE', options: { Size: 'L', Colour: 'Blue' }, price: 2200, compareAtPrice: 2500, stock: 5, stockVersion: 0, hasImage: false });
    t.equal(product.stock, 12, 'the sum of the variants');
    t.notOk('imageUrl' in product.variants[0]!);
    const read = (await json('GET', `/api/products/${product.id}`)).json();
    t.same(read.variants, product.variants);
    const listed = (await json('GET', '/api/products')).json() as Array<{ id: string; variants: VariantBody[] }>;
    t.equal(listed.find((p) => p.id === product.id)?.variants.length, 3);
  });

  await t.test('validation: codes and field errors', async (t) => {
    const refused = async (body: unknown, code: string, field: string, status?: number) => {
      const res = await json('POST', '/api/products', body);
      t.equal(res.json().code, code, `${field}: ${res.body}`);
      if (status) t.equal(res.statusCode, status);
      t.ok((res.json().details as Array<{ field: string }>).some((d) => d.field === field), `names ${field}: ${JSON.stringify(res.json().details)}`);
    };
    const base = { ...tee, sku: 'X1' };
    await refused({ ...base, variants: [{ ...tee.variants[0], sku: 'X1-A', options: { Size: 'XL', Colour: 'Red' } }] }, 'INVALID_PRODUCT', 'variants[0].options.Size', 422);
    await refused({ ...base, variants: [{ ...tee.variants[0], sku: 'X1-A', options: { Size: 'S' } }] }, 'INVALID_PRODUCT', 'variants[0].options.Colour');
    await refused({ ...base, variants: [{ ...tee.variants[0], sku: 'X1-A' }, { ...tee.variants[0], sku: 'X1-B' }] }, 'INVALID_PRODUCT', 'variants[1].options');
    await refused({ ...base, variants: [{ ...tee.variants[0], sku: 'X1-A' }, { ...tee.variants[1], sku: 'X1-A' }] }, 'INVALID_PRODUCT', 'variants[1].sku');
    await refused({ ...base, options: [{ name: 'Size', values: ['S', 's'] }], variants: [{ sku: 'X1-A', options: { Size: 'S' }, price: 1, stock: 1 }] }, 'INVALID_PRODUCT', 'options[0].values[1]');
    await refused({ ...base, options: [{ name: 'Size', values: ['S'] }, { name: 'size', values: ['M'] }], variants: [] }, 'INVALID_PRODUCT', 'options[1].name');
    await refused({ ...base, options: [], variants: [{ sku: 'X1-A', options: {}, price: 1, stock: 1 }] }, 'INVALID_PRODUCT', 'options');
    await refused({ ...base, variants: [] }, 'INVALID_PRODUCT', 'variants');
    await refused({ sku: 'X2', title: 'No stock', price: 100, currency: 'EUR' }, 'INVALID_PRODUCT', 'stock');
    // SKUs are one namespace across products and variants
    await refused({ ...base, variants: [{ ...tee.variants[0] }] }, 'SKU_TAKEN', 'variants[0].sku', 409);
    await refused({ ...base, variants: [{ ...tee.variants[0], sku: 'TEE' }] }, 'SKU_TAKEN', 'variants[0].sku', 409);
    await refused({ ...base, sku: 'TEE-M-RED', variants: [{ ...tee.variants[0], sku: 'X1-A' }] }, 'SKU_TAKEN', 'sku', 409);
    // limits by the schema: four options, 21 values, 101 variants
    const four = [1, 2, 3, 4].map((n) => ({ name: `O${n}`, values: ['a'] }));
    t.equal((await json('POST', '/api/products', { ...base, options: four })).json().code, 'VALIDATION_FAILED');
    const many = Array.from({ length: 21 }, (_, i) => `v${i}`);
    t.equal((await json('POST', '/api/products', { ...base, options: [{ name: 'Size', values: many }] })).json().code, 'VALIDATION_FAILED');
    const lots = Array.from({ length: 101 }, (_, i) => ({ sku: `L-${i}`, options: { Size: 'S' }, price: 1, stock: 1 }));
    t.equal((await json('POST', '/api/products', { ...base, variants: lots })).json().code, 'VALIDATION_FAILED');
    t.equal((await json('POST', '/api/products', { ...base, options: [{ name: 'Size', values: ['x'.repeat(41)] }] })).json().code, 'VALIDATION_FAILED');
    t.equal((await json('GET', '/api/products')).json().length, 1, 'nothing was stored by the refusals');
  });

  await t.test('edit: price per variant, a variant added and one removed, stock per variant with its version', async (t) => {
    const [small, medium, large] = product.variants as [VariantBody, VariantBody, VariantBody];
    const edited = await json('PATCH', `/api/products/${product.id}`, {
      variants: [
        { id: small.id, sku: small.sku, options: small.options, price: 1800 },
        { id: medium.id, sku: medium.sku, options: medium.options, price: 2000, stock: 10, stockVersion: 0 },
        { sku: 'TEE-S-BLUE', options: { Size: 'S', Colour: 'Blue' }, price: 2000, stock: 2 },
      ],
    });
    t.equal(edited.statusCode, 200, edited.body);
    const after = edited.json() as { stock: number; variants: VariantBody[] };
    t.same(after.variants.map((v) => v.sku), ['TEE-S-RED', 'TEE-M-RED', 'TEE-S-BLUE'], `${large.sku} is gone`);
    t.match(after.variants[0], { id: small.id, price: 1800, stock: 3, stockVersion: 0 }, 'stock left alone when not named');
    t.match(after.variants[1], { id: medium.id, stock: 10, stockVersion: 1 });
    t.equal(after.stock, 15);

    const noVersion = await json('PATCH', `/api/products/${product.id}`, { variants: after.variants.map((v, i) => ({ id: v.id, sku: v.sku, options: v.options, price: v.price, ...(i === 0 ? { stock: 9 } : {}) })) });
    t.equal(noVersion.statusCode, 400);
    t.equal(noVersion.json().code, 'STOCK_VERSION_REQUIRED');
    t.equal(noVersion.json().details[0].field, 'variants[0].stockVersion');
    const stale = await json('PATCH', `/api/products/${product.id}`, { variants: after.variants.map((v, i) => ({ id: v.id, sku: v.sku, options: v.options, price: v.price, ...(i === 1 ? { stock: 1, stockVersion: 0 } : {}) })) });
    t.equal(stale.statusCode, 409);
    t.equal(stale.json().code, 'STALE_STOCK');
    t.match(stale.json().details, { variantId: medium.id, stock: 10, stockVersion: 1 });
    const adjusted = await json('PATCH', `/api/products/${product.id}`, { variants: after.variants.map((v, i) => ({ id: v.id, sku: v.sku, options: v.options, price: v.price, ...(i === 2 ? { stockAdjust: -2 } : {}) })) });
    t.match(adjusted.json().variants[2], { stock: 0, stockVersion: 1 });
    const productStock = await json('PATCH', `/api/products/${product.id}`, { stock: 4, stockVersion: 0 });
    t.equal(productStock.json().code, 'INVALID_PRODUCT', 'a product with variants keeps its stock per variant');
    t.equal(productStock.json().details[0].field, 'stock');
    const foreign = await json('PATCH', `/api/products/${product.id}`, { variants: [{ id: 'nope', sku: 'Z', options: { Size: 'S', Colour: 'Red' }, price: 1 }] });
    t.equal(foreign.json().details[0].field, 'variants[0].id');
    const text = await json('PATCH', `/api/products/${product.id}`, { title: 'Logo tee, organic' });
    t.equal(text.json().variants.length, 3, 'a text edit keeps the variants');
    t.equal(text.json().stock, 13);
  });

  await t.test('variant image: the product pipeline, served like the product picture', async (t) => {
    const current = (await json('GET', `/api/products/${product.id}`)).json() as { variants: VariantBody[] };
    const variant = current.variants[0]!;
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c03030' } }).png().toBuffer();
    const put = await app.inject({ method: 'PUT', url: `/api/products/${product.id}/variants/${variant.id}/image`, headers: { ...auth, 'content-type': 'image/png' }, payload: png });
    t.equal(put.statusCode, 200, put.body);
    const stored = (put.json().product.variants as VariantBody[]).find((v) => v.id === variant.id)!;
    t.equal(stored.hasImage, true);
    t.match(stored.imageUrl, new RegExp(`^/media/products/${product.id}/variants/${variant.id}/image\\.webp\\?v=\\d+$`));
    const served = await app.inject({ method: 'GET', url: stored.imageUrl! });
    t.equal(served.statusCode, 200);
    t.equal(served.headers['content-type'], 'image/webp');
    t.equal((await sharp(served.rawPayload).metadata()).format, 'webp');
    const other = (await json('POST', '/api/products', { sku: 'MUG', title: 'Mug', price: 900, currency: 'EUR', stock: 1 })).json();
    const wrong = await app.inject({ method: 'PUT', url: `/api/products/${other.id}/variants/${variant.id}/image`, headers: { ...auth, 'content-type': 'image/png' }, payload: png });
    t.equal(wrong.statusCode, 404);
    t.equal(wrong.json().code, 'VARIANT_NOT_FOUND');
    t.equal((await app.inject({ method: 'GET', url: `/media/products/${product.id}/variants/${current.variants[1]!.id}/thumb.webp` })).statusCode, 404);
  });
});

t.test('flash sales and coupons per variant; the pushed lineup carries the variants', async (t) => {
  const app = await buildTestApp({ viewerRateLimitPerMinute: 100_000 });
  const url = await listenTestApp(app);
  const clients: LiveClient[] = [];
  t.teardown(async () => {
    for (const c of clients) c.close();
    await app.app.close();
    app.db.close();
  });
  const admin = (method: 'POST' | 'GET' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
    app.app.inject({ method, url: path, headers: app.auth, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
  const product = (await admin('POST', '/api/products', tee)).json() as { id: string; variants: VariantBody[] };
  const [small, medium, large] = product.variants as [VariantBody, VariantBody, VariantBody];
  const mug = (await admin('POST', '/api/products', { sku: 'MUG', title: 'Mug', price: 900, currency: 'EUR', stock: 4 })).json() as { id: string };
  const show = (await admin('POST', '/api/shows', { title: 'Variants live' })).json() as { id: string };
  await admin('PUT', `/api/shows/${show.id}/lineup`, { productIds: [product.id, mug.id] });

  type VariantOffer = { id: string; sku: string; options: Record<string, string>; price: number; priceNow: number; stockLeft: number; saleId: string | null };
  type Offer = { id: string; priceNow: number; stockLeft: number; saleId: string | null; options: unknown; variants: VariantOffer[] };
  type Lineup = Received & { items: Offer[]; sale: { id: string; variantId: string | null; state: string } | null };
  const page = await LiveClient.open(url, show.id, {});
  clients.push(page);
  const welcome = (await page.next((m) => m.type === 'welcome')) as Received & { lineup: Lineup };
  const offer = welcome.lineup.items.find((i) => i.id === product.id)!;
  t.same(offer.options, tee.options, 'the welcome lineup carries the options');
  t.same(
    offer.variants.map((v) => [v.sku, v.options, v.price, v.priceNow, v.stockLeft, v.saleId]),
    [
      ['TEE-S-RED', { Size: 'S', Colour: 'Red' }, 2000, 2000, 3, null],
      ['TEE-M-RED', { Size: 'M', Colour: 'Red' }, 2000, 2000, 4, null],
      ['TEE-L-BLUE', { Size: 'L', Colour: 'Blue' }, 2200, 2200, 5, null],
    ],
  );
  t.match(offer, { priceNow: 2000, stockLeft: 12, saleId: null });
  t.same(welcome.lineup.items.find((i) => i.id === mug.id)?.variants, [], 'a product without variants has none');

  await t.test('a sale on one variant changes only that variant\'s price now', async (t) => {
    const foreign = await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: mug.id, variantId: small.id, price: 500, durationSeconds: 60 });
    t.equal(foreign.statusCode, 404);
    t.equal(foreign.json().code, 'VARIANT_NOT_FOUND', 'the variant must belong to the product');
    const tooMany = await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: product.id, variantId: medium.id, price: 1500, quantity: 5, durationSeconds: 60 });
    t.equal(tooMany.json().code, 'NOT_ENOUGH_STOCK', 'the quantity is checked against the variant\'s stock');
    t.match(tooMany.json().message, /TEE-M-RED has 4/);
    const from = page.messages.length;
    const started = await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: product.id, variantId: medium.id, price: 1500, durationSeconds: 60 });
    t.equal(started.statusCode, 201, started.body);
    t.match(started.json().overlay.flashSale, { productId: product.id, variantId: medium.id, quantity: 4 });
    const pushed = await page.next<Lineup>((m) => m.type === 'lineup' && (m as Lineup).sale !== null, 2000, from);
    t.match(pushed.sale, { variantId: medium.id, state: 'running' });
    const item = pushed.items.find((i) => i.id === product.id)!;
    t.match(item, { priceNow: 2000, saleId: null }, 'the product as a whole is not on sale');
    t.same(item.variants.map((v) => [v.id, v.priceNow, v.saleId]), [[small.id, 2000, null], [medium.id, 1500, started.json().overlay.flashSale.id], [large.id, 2200, null]]);
    await admin('DELETE', `/api/shows/${show.id}/flash-sales/current`);
  });

  await t.test('a sale on the whole product covers every variant', async (t) => {
    const from = page.messages.length;
    const started = await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: product.id, price: 1000, quantity: 2, durationSeconds: 60 });
    t.equal(started.statusCode, 201, started.body);
    const pushed = await page.next<Lineup>((m) => m.type === 'lineup' && (m as Lineup).sale?.id === started.json().overlay.flashSale.id, 2000, from);
    const item = pushed.items.find((i) => i.id === product.id)!;
    t.match(item, { priceNow: 1000, stockLeft: 2 }, 'the sale\'s quantity, shared by the variants');
    t.same(item.variants.map((v) => [v.priceNow, v.stockLeft]), [[1000, 2], [1000, 2], [1000, 2]]);
    await admin('DELETE', `/api/shows/${show.id}/flash-sales/current`);
  });

  await t.test('a variant stock edit is pushed', async (t) => {
    const from = page.messages.length;
    const current = (await admin('GET', `/api/products/${product.id}`)).json() as { variants: VariantBody[] };
    const edited = await admin('PATCH', `/api/products/${product.id}`, { variants: current.variants.map((v) => ({ id: v.id, sku: v.sku, options: v.options, price: v.price, ...(v.id === large.id ? { stock: 9, stockVersion: v.stockVersion } : {}) })) });
    t.equal(edited.statusCode, 200, edited.body);
    const pushed = await page.next<Lineup>((m) => m.type === 'lineup' && (m as Lineup).items.some((i) => i.variants.some((v) => v.id === large.id && v.stockLeft === 9)), 2000, from);
    t.equal(pushed.items.find((i) => i.id === product.id)?.stockLeft, 16);
  });

  await t.test('the burned-in card shows the variant choice, or the variant on sale', async (t) => {
    t.equal((await admin('POST', `/api/shows/${show.id}/pin`, { productId: product.id })).statusCode, 200);
    const card = () => app.services.overlays.drawing(show.id).product ?? '';
    t.match(card(), '>3 sizes · 2 colours</text>');
    const sale = await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: product.id, variantId: medium.id, price: 1500, quantity: 1, durationSeconds: 60 });
    t.equal(sale.statusCode, 201, sale.body);
    t.match(card(), '>Sale: M / Red</text>');
    t.match(card(), '€15.00');
    await admin('DELETE', `/api/shows/${show.id}/flash-sales/current`);
    t.match(card(), '>3 sizes · 2 colours</text>');
    await admin('DELETE', `/api/shows/${show.id}/pin`);
  });

  await t.test('coupons name a product or a variant, checked', async (t) => {
    const forVariant = await admin('POST', '/api/coupons', { code: 'REDM', kind: 'percent', amount: 10, variantId: medium.id });
    t.equal(forVariant.statusCode, 201, forVariant.body);
    t.match(forVariant.json(), { productId: product.id, variantId: medium.id }, 'the variant implies its product');
    const forProduct = await admin('POST', '/api/coupons', { code: 'TEES', kind: 'fixed', amount: 200, currency: 'EUR', productId: product.id });
    t.match(forProduct.json(), { productId: product.id, variantId: null });
    t.match((await admin('GET', `/api/coupons/${forProduct.json().id}`)).json(), { productId: product.id, variantId: null });
    const plain = await admin('POST', '/api/coupons', { code: 'ALL10', kind: 'percent', amount: 10 });
    t.match(plain.json(), { productId: null, variantId: null });
    const wrongPair = await admin('POST', '/api/coupons', { code: 'WRONG', kind: 'percent', amount: 10, productId: mug.id, variantId: medium.id });
    t.equal(wrongPair.statusCode, 404);
    t.equal(wrongPair.json().code, 'VARIANT_NOT_FOUND');
    t.equal((await admin('POST', '/api/coupons', { code: 'NOPE1', kind: 'percent', amount: 10, variantId: 'nope' })).json().code, 'VARIANT_NOT_FOUND');
    t.equal((await admin('POST', '/api/coupons', { code: 'NOPE2', kind: 'percent', amount: 10, productId: 'nope' })).json().code, 'PRODUCT_NOT_FOUND');
    const currency = await admin('POST', '/api/coupons', { code: 'USD5', kind: 'fixed', amount: 500, currency: 'USD', productId: product.id });
    t.equal(currency.json().code, 'INVALID_COUPON', 'an amount off in another currency than the product is sold in');
    // a variant a coupon names cannot be removed from under it
    const current = (await admin('GET', `/api/products/${product.id}`)).json() as { variants: VariantBody[] };
    const removal = await admin('PATCH', `/api/products/${product.id}`, { variants: current.variants.filter((v) => v.id !== medium.id).map((v) => ({ id: v.id, sku: v.sku, options: v.options, price: v.price })) });
    t.equal(removal.statusCode, 409);
    t.equal(removal.json().code, 'VARIANT_IN_USE');
  });
});

t.test('CSV import: one row per variant', async (t) => {
  const { app, auth, db } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const csv = (text: string, query = '') => app.inject({ method: 'POST', url: `/api/products/import${query}`, headers: { ...auth, 'content-type': 'text/csv' }, payload: text });
  const products = async () => (await app.inject({ method: 'GET', url: '/api/products', headers: auth })).json() as Array<{ id: string; sku: string; title: string; price: number; stock: number; options: unknown; variants: VariantBody[] }>;
  const header = 'sku,parent_sku,title,price,currency,stock,option1_name,option1_value,option2_name,option2_value';
  const file = [
    header,
    'TEE-S-RED,TEE,Logo tee,20.00,EUR,3,Size,S,Colour,Red',
    'TEE-M-RED,TEE,Logo tee,20.00,EUR,4,Size,M,Colour,Red',
    'TEE-M-BLUE,TEE,,22.50,EUR,5,Size,M,Colour,Blue',
    'MUG,,Mug,9.00,EUR,7,,,,',
  ].join('\n');

  const dry = await csv(file, '?dryRun=true');
  t.same(dry.json(), { created: 2, updated: 0, rows: 4, dryRun: true }, dry.body);
  t.same(await products(), [], 'a dry run stores nothing');

  const imported = await csv(file);
  t.same(imported.json(), { created: 2, updated: 0, rows: 4, dryRun: false }, imported.body);
  const [tee, mug] = await products();
  t.match(tee, { sku: 'TEE', title: 'Logo tee', price: 2000, stock: 12, options: [{ name: 'Size', values: ['S', 'M'] }, { name: 'Colour', values: ['Red', 'Blue'] }] });
  t.same(tee!.variants.map((v) => [v.sku, v.options, v.price, v.stock]), [
    ['TEE-S-RED', { Size: 'S', Colour: 'Red' }, 2000, 3],
    ['TEE-M-RED', { Size: 'M', Colour: 'Red' }, 2000, 4],
    ['TEE-M-BLUE', { Size: 'M', Colour: 'Blue' }, 2250, 5],
  ]);
  t.match(mug, { sku: 'MUG', stock: 7, variants: [] });

  await t.test('a second import updates the variants it names, sets their stock and removes the rest', async (t) => {
    const again = await csv([header, 'TEE-S-RED,TEE,Logo tee,19.00,EUR,10,Size,S,Colour,Red', 'TEE-L-RED,TEE,Logo tee,21.00,EUR,1,Size,L,Colour,Red'].join('\n'));
    t.same(again.json(), { created: 0, updated: 1, rows: 2, dryRun: false }, again.body);
    const [after] = await products();
    t.equal(after!.id, tee!.id);
    t.same(after!.variants.map((v) => [v.sku, v.price, v.stock]), [['TEE-S-RED', 1900, 10], ['TEE-L-RED', 2100, 1]]);
    t.equal(after!.variants[0]!.id, tee!.variants[0]!.id, 'the same variant, matched by its SKU');
    t.equal(after!.variants[0]!.stockVersion, 1);
    t.equal(after!.price, 1900, 'the product costs its cheapest variant');
  });

  await t.test('errors per line, nothing imported', async (t) => {
    const bad = await csv([
      header,
      'B-1,BAD,Bad tee,20.00,EUR,1,Size,S,,',
      'B-2,BAD,Bad tee,20.00,EUR,1,Size,S,,',
      'B-3,BAD,Bad tee,20.00,EUR,1,Colour,Red,,',
      'B-4,,Loose,20.00,EUR,1,Size,S,,',
      'B-5,BAD,Bad tee,20.00,EUR,1,Size,M,Colour,',
    ].join('\n'));
    t.equal(bad.statusCode, 422);
    t.equal(bad.json().code, 'CSV_INVALID');
    const byLine = new Map((bad.json().details as Array<{ line: number; problems: Array<{ field: string }> }>).map((e) => [e.line, e.problems.map((p) => p.field)]));
    t.same([...byLine.keys()], [3, 4, 5, 6], bad.body);
    t.ok(byLine.get(3)?.includes('option1_value'), 'the same combination twice');
    t.ok(byLine.get(4)?.includes('option1_name'), 'options named differently from the first row');
    t.ok(byLine.get(5)?.includes('parent_sku'), 'option values without a product');
    t.ok(byLine.get(6)?.includes('option2_value'), 'a name without a value');
    t.notOk((await products()).some((p) => p.sku === 'BAD'));
  });
});
