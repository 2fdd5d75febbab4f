import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

// A 4xx a form can draw next to its field: each names the field and says the problem in words.
t.test('errors name their field, in words a merchant reads next to the input', async (t) => {
  const { app, auth, db } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers: auth, payload });
  type Problem = { field: string; problem: string };

  await t.test('a bad coupon code: the field and a sentence, never a regular expression', async (t) => {
    const res = await post('/api/coupons', { code: '-oops!', kind: 'percent', amount: 5 });
    t.equal(res.statusCode, 400);
    const body = res.json() as { code: string; message: string; details: Problem[] };
    t.equal(body.code, 'VALIDATION_FAILED');
    t.same(body.details, [{ field: 'code', problem: 'may hold letters, digits, - and _ only, and starts with a letter or digit' }]);
    t.notMatch(body.message, /[\^$[\]*]|pattern/, `no regular expression in "${body.message}"`);
  });

  await t.test('a missing property is named itself, not its parent', async (t) => {
    const res = await post('/api/coupons', { code: 'NOKIND', amount: 5 });
    t.equal(res.statusCode, 400);
    t.same(res.json().details, [{ field: 'kind', problem: 'is required' }]);
    t.match(res.json().message, /kind is required/);
    const product = await post('/api/products', { sku: 'A1', title: 'A', price: 100, stock: 1 });
    t.same(product.json().details, [{ field: 'currency', problem: 'is required' }], 'missing currency on a product');
    const badCurrency = await post('/api/products', { sku: 'A1', title: 'A', price: 100, currency: 'EURO', stock: 1 });
    t.same(badCurrency.json().details, [{ field: 'currency', problem: 'is a three-letter currency code such as EUR or USD' }]);
  });

  await t.test('150 % and a fixed coupon without currency: the coupon\'s own rules name their fields', async (t) => {
    const big = await post('/api/coupons', { code: 'BIG', kind: 'percent', amount: 150 });
    t.equal(big.statusCode, 422);
    t.equal(big.json().code, 'INVALID_COUPON');
    t.same(big.json().details.fields, [{ field: 'amount', problem: 'a percentage is at most 100' }]);
    t.same(big.json().details.problems, ['amount: a percentage is at most 100'], 'the sentences older clients read are still there');
    const noCurrency = await post('/api/coupons', { code: 'NOCUR', kind: 'fixed', amount: 500 });
    t.same(noCurrency.json().details.fields, [{ field: 'currency', problem: 'a fixed coupon needs a known ISO 4217 currency' }]);
  });

  await t.test('duplicates name the field that clashes', async (t) => {
    t.equal((await post('/api/coupons', { code: 'TWICE', kind: 'percent', amount: 5 })).statusCode, 201);
    const code = await post('/api/coupons', { code: 'twice', kind: 'percent', amount: 5 });
    t.equal(code.json().code, 'CODE_TAKEN');
    t.same(code.json().details, [{ field: 'code', problem: 'another coupon has the code TWICE' }]);
    t.equal((await post('/api/products', { sku: 'DUP-1', title: 'One', price: 100, currency: 'EUR', stock: 1 })).statusCode, 201);
    const sku = await post('/api/products', { sku: 'DUP-1', title: 'Two', price: 100, currency: 'EUR', stock: 1 });
    t.equal(sku.statusCode, 409);
    t.equal(sku.json().code, 'SKU_TAKEN');
    t.same(sku.json().details, [{ field: 'sku', problem: 'another product has the SKU DUP-1' }]);
  });
});
