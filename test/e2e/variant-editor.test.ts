import t from 'tap';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { startServerProcess } from '../helpers/server-process.js';

interface VariantBody {
  id: string;
  sku: string;
  options: Record<string, string>;
  price: number;
  stock: number;
  stockVersion: number;
}

// The products form's variant editor in a real browser against the real server: options typed,
// a row per combination, a price and stock per row; an edit of one variant's stock sends its version.
t.test('the panel makes a product with variants and edits one variant', { timeout: 120_000 }, async (t) => {
  const server = await startServerProcess();
  let browser: Browser | null = null;
  t.teardown(async () => {
    await browser?.close().catch(() => undefined);
    server.kill();
  });
  browser = await launchChromium();
  const products = async () => (await (await server.api('/api/products')).json()) as Array<{ id: string; sku: string; stock: number; options: unknown; variants: VariantBody[] }>;
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.httpUrl}/admin#/products`);
  await page.getByLabel('Admin token').fill(server.token);
  await page.getByLabel('Admin token').press('Enter');
  await page.getByRole('heading', { name: 'Products' }).waitFor();

  await page.getByLabel('SKU', { exact: true }).fill('TEE');
  await page.getByLabel('Title').fill('Logo tee');
  await page.getByLabel('Price (e.g. 19.99)').fill('20');
  await page.getByLabel('Options').fill('Size: S, M\nColour: Red, Blue');
  await page.getByRole('button', { name: 'Make a row per combination' }).click();
  t.equal(await page.locator('#p-variant-rows tr').count(), 4, 'a row per combination');
  t.equal(await page.getByLabel('SKU of S / Red').inputValue(), 'TEE-S-Red', 'a SKU suggested from the product and the values');
  await page.getByLabel('Price of M / Blue').fill('22,50');
  for (const [label, stock] of [['S / Red', '1'], ['S / Blue', '2'], ['M / Red', '3'], ['M / Blue', '4']] as const) await page.getByLabel(`Stock of ${label}`).fill(stock);
  await page.getByRole('button', { name: 'Remove S / Blue' }).click();
  await page.getByRole('button', { name: 'Save product' }).click();
  await page.getByText('Saved Logo tee').waitFor({ timeout: 10_000 });
  const [tee] = await products();
  t.match(tee, { sku: 'TEE', stock: 8, options: [{ name: 'Size', values: ['S', 'M'] }, { name: 'Colour', values: ['Red', 'Blue'] }] });
  t.same(tee!.variants.map((v) => [v.sku, v.options, v.price, v.stock]), [
    ['TEE-S-Red', { Size: 'S', Colour: 'Red' }, 2000, 1],
    ['TEE-M-Red', { Size: 'M', Colour: 'Red' }, 2000, 3],
    ['TEE-M-Blue', { Size: 'M', Colour: 'Blue' }, 2250, 4],
  ]);

  await page.getByRole('row').filter({ hasText: '3 variants' }).getByRole('button', { name: 'Edit Logo tee' }).click();
  t.equal(await page.locator('#p-variant-rows tr').count(), 3, 'the editor shows the variants');
  await page.getByLabel('Stock of M / Red').fill('9');
  // the first save's "Saved Logo tee" is still on the page: wait for this save's answer itself
  const edit = page.waitForResponse((r) => r.url().includes('/api/products') && r.request().method() !== 'GET', { timeout: 10_000 });
  await page.getByRole('button', { name: 'Save product' }).click();
  t.ok((await edit).ok(), 'the edit was saved');
  await page.getByText('Saved Logo tee').waitFor({ timeout: 10_000 });
  const [edited] = await products();
  t.same(edited!.variants.map((v) => [v.sku, v.stock, v.stockVersion]), [['TEE-S-Red', 1, 0], ['TEE-M-Red', 9, 1], ['TEE-M-Blue', 4, 0]], 'only the changed stock was written');

  await page.getByRole('row').filter({ hasText: '3 variants' }).getByRole('button', { name: 'Edit Logo tee' }).click();
  await page.getByLabel('SKU of M / Blue').fill('TEE');
  await page.getByRole('button', { name: 'Save product' }).click();
  const rowError = page.locator('[id="p-variants[2]-error"]');
  await rowError.filter({ hasText: /./ }).waitFor({ timeout: 10_000 });
  t.match(await rowError.innerText(), /a product has the SKU TEE/, 'the server\'s refusal is next to the variant');
  t.same(pageErrors, []);
});
