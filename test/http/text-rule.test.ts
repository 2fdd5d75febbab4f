import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

const HOSTILE: Record<string, string> = {
  override: 'Ana\u202Egpj.exe',
  zeroWidthOnly: '\u200B\u200D\u2060',
  loneSurrogate: 'a\uD800b',
  c1Control: 'a\u0085b',
};

t.test('names and titles follow the chat text rule: 400 INVALID_TEXT naming the field', async (t) => {
  const { app, db, auth } = await buildTestApp({ viewerRateLimitPerMinute: 100_000 });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const show = (await app.inject({ method: 'POST', url: '/api/shows', headers: auth, payload: { title: 'Hoses' } })).json() as { id: string };
  const product = (await app.inject({ method: 'POST', url: '/api/products', headers: auth, payload: { sku: 'P-1', title: 'Hose', price: 1000, currency: 'USD', stock: 5 } })).json() as { id: string };
  let n = 0;
  const targets: Array<{ field: string; method: 'POST' | 'PUT' | 'PATCH'; url: string; admin: boolean; body: (s: string) => unknown }> = [
    { field: 'displayName', method: 'POST', url: '/api/viewers', admin: false, body: (s) => ({ displayName: s }) },
    { field: 'title', method: 'POST', url: '/api/shows', admin: true, body: (s) => ({ title: s }) },
    { field: 'host', method: 'POST', url: '/api/shows', admin: true, body: (s) => ({ title: 'Ok', host: s }) },
    { field: 'title', method: 'POST', url: '/api/products', admin: true, body: (s) => ({ sku: `S-${n++}`, title: s, price: 100, currency: 'USD', stock: 1 }) },
    { field: 'title', method: 'PATCH', url: `/api/products/${product.id}`, admin: true, body: (s) => ({ title: s }) },
    { field: 'question', method: 'POST', url: `/api/shows/${show.id}/polls`, admin: true, body: (s) => ({ question: s, options: ['a', 'b'] }) },
    { field: 'options.1', method: 'POST', url: `/api/shows/${show.id}/polls`, admin: true, body: (s) => ({ question: 'Which?', options: ['a', s] }) },
    { field: 'text', method: 'PUT', url: `/api/shows/${show.id}/announcement`, admin: true, body: (s) => ({ text: s }) },
  ];
  for (const target of targets) {
    for (const [kind, text] of Object.entries(HOSTILE)) {
      const res = await app.inject({ method: target.method, url: target.url, headers: target.admin ? auth : {}, payload: target.body(text) as object });
      t.equal(res.statusCode, 400, `${target.method} ${target.url} ${target.field} ${kind}`);
      t.match(res.json(), { code: 'INVALID_TEXT', message: new RegExp(`^${target.field.replace('.', '\\.')}: `) }, `${target.field} ${kind}: the code names the field`);
    }
  }
  // what is fine stays fine
  t.equal((await app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: 'Zoë 👨‍👩‍👧' } })).statusCode, 201);
  t.equal((await app.inject({ method: 'POST', url: '/api/shows', headers: auth, payload: { title: 'مرحبا sale' } })).statusCode, 201);
  // products imported from CSV: the same rule, reported per line
  const csv = 'sku,title,description,price,currency,compareAtPrice,stock\nC-1,Good,,1.00,USD,,1\nC-2,Bad\u202Etitle,,1.00,USD,,1\n';
  const imported = await app.inject({ method: 'POST', url: '/api/products/import', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv });
  t.equal(imported.statusCode, 422);
  t.match(JSON.stringify(imported.json()), /text-direction/);
});
