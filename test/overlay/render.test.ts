import sharp from 'sharp';
import t from 'tap';
import { emptyOverlayState, type FlashSale } from '../../src/domain/overlay.js';
import { variantChoiceLine, type Product } from '../../src/domain/product.js';
import { layoutFor } from '../../src/overlay/layout.js';
import { rasterize } from '../../src/overlay/rasterize.js';
import { countdownText, renderScene, type OverlayScene } from '../../src/overlay/render.js';
import { loadOverlayTheme } from '../../src/overlay/templates.js';
import { escapeXml, fitText, isRtl, wrapText } from '../../src/overlay/text.js';

const theme = loadOverlayTheme();
const product = (title: string, extra: Partial<Product> = {}): Product => ({
  id: 'p1', sku: 'SKU-1', title, description: '', price: 1999, currency: 'USD', compareAtPrice: 2999, stock: 50, stockVersion: 0, hasImage: false, options: [], variants: [], createdAt: 0, updatedAt: 0, ...extra,
});
const scene = (over: Partial<OverlayScene> = {}): OverlayScene => ({ state: emptyOverlayState(), pinned: null, flashSale: null, checkoutUrl: null, now: 1_000_000, ...over });

/** How many pixels of the slot are not fully transparent. */
async function inked(svg: string, slot: keyof typeof theme.slots): Promise<number> {
  const spec = theme.slots[slot];
  const rgba = await rasterize(svg, spec.width, spec.height);
  let n = 0;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i]! > 0) n++;
  return n;
}

t.test('user text is escaped: an SVG injection in a title renders literally', async (t) => {
  const evil = '</text><image href="file:///etc/passwd"/><text>';
  const svg = renderScene(theme, scene({ pinned: { product: product(evil), imagePng: null } })).product!;
  t.notMatch(svg, 'file:///etc/passwd"/>', 'no element made from the title');
  t.notMatch(svg, /<image[^>]+file:/);
  t.match(svg, '&lt;/text&gt;&lt;image');
  t.match(svg, 'file:///etc/passwd&quot;/&gt;');
  t.ok(await inked(svg, 'product') > 1000, 'and it still draws');
  t.equal(escapeXml('a\u0000b\u0007c\uD800d'), 'abcd', 'characters XML forbids are dropped');
});

t.test('long, CJK, emoji and right-to-left titles fit and render', async (t) => {
  const long = 'Garden hose '.repeat(170).slice(0, 2000);
  const lines = wrapText(long, 380, 24, 2);
  t.equal(lines.length, 2);
  t.ok(lines[1]!.endsWith('…'), 'cut with an ellipsis');
  t.ok(fitText('花园软管'.repeat(50), 200, 24).length < 12, 'wide characters count wide');
  t.equal(isRtl('خرطوم حديقة'), true);
  t.equal(isRtl('Hose خرطوم'), false);
  for (const title of [long, '花园软管 30米 黄铜接头', '🌿🔥 Hose deal 🎉', 'צינור גינה 30 מטר', 'خرطوم حديقة قابل للتمدد']) {
    const svg = renderScene(theme, scene({ pinned: { product: product(title), imagePng: null } })).product!;
    t.ok(await inked(svg, 'product') > 1000, `renders: ${title.slice(0, 20)}`);
  }
  const rtl = renderScene(theme, scene({ pinned: { product: product('צינור גינה'), imagePng: null } })).product!;
  t.match(rtl, 'direction="rtl"');
  t.match(rtl, 'text-anchor="end"');
});

t.test('a product without an image gets a placeholder; one with an image shows it', async (t) => {
  const none = renderScene(theme, scene({ pinned: { product: product('Hose'), imagePng: null } })).product!;
  t.match(none, /display="none" preserveAspectRatio/);
  t.match(none, 'no image');
  const png = await sharp({ create: { width: 120, height: 120, channels: 3, background: '#00ff00' } }).png().toBuffer();
  const withImage = renderScene(theme, scene({ pinned: { product: product('Hose'), imagePng: png } })).product!;
  const spec = theme.slots.product;
  const rgba = await rasterize(withImage, spec.width, spec.height);
  const at = (x: number, y: number) => [...rgba.subarray((y * spec.width + x) * 4, (y * spec.width + x) * 4 + 3)];
  t.same(at(80, 75), [0, 255, 0], 'the product image is drawn in the card');
});

t.test('price, compare-at and discount; no discount without a higher compare-at', async (t) => {
  const svg = renderScene(theme, scene({ pinned: { product: product('Hose'), imagePng: null } })).product!;
  t.match(svg, '$19.99');
  t.match(svg, '$29.99');
  t.match(svg, '-33%');
  const plain = renderScene(theme, scene({ pinned: { product: product('Hose', { compareAtPrice: null, currency: 'JPY', price: 1200 }), imagePng: null } })).product!;
  t.match(plain, '¥1,200');
  t.notMatch(plain, '%<');
});

t.test('flash sale: countdown, stock left, sold out, ended', async (t) => {
  const sale = (remaining: number, endsIn: number): FlashSale => ({
    id: 'f1', showId: 's', productId: 'p1', variantId: null, price: 1499, quantity: 100, remaining, perCustomerLimit: 1, startsAt: 0, endsAt: 1_000_000 + endsIn, createdAt: 0,
  });
  t.equal(countdownText(125_000), '02:05');
  t.equal(countdownText(1), '00:01', 'rounded up');
  t.equal(countdownText(0), '00:00');
  const running = renderScene(theme, scene({ flashSale: { sale: sale(7, 90_500), product: product('Hose') } })).flash!;
  t.match(running, '01:31');
  t.match(running, 'Only 7 left!');
  t.match(running, '>Hose</text>', 'the box names the product on sale');
  t.match(renderScene(theme, scene({ flashSale: { sale: sale(7, 90_500), product: product('Towel <XL> & co') } })).flash!, 'Towel &lt;XL&gt; &amp; co', 'escaped');
  t.match(running, /soldOut|display="none">\s*<rect/);
  const many = renderScene(theme, scene({ flashSale: { sale: sale(60, 10_000), product: product('Hose') } })).flash!;
  t.match(many, '60 of 100 left');
  const soldOut = renderScene(theme, scene({ flashSale: { sale: sale(0, 10_000), product: product('Hose') } })).flash!;
  t.match(soldOut, /<g display="inline">[\s\S]*SOLD OUT/);
  const ended = renderScene(theme, scene({ flashSale: { sale: sale(5, -1), product: product('Hose') } })).flash!;
  t.match(ended, /<g display="inline">[\s\S]*ENDED/);
  t.ok(await inked(running, 'flash') > 1000);
});

t.test('QR code, announcement, poll, hide all, theme override', async (t) => {
  const state = { ...emptyOverlayState(), qr: true, announcement: { text: 'Code LIVE10 <b>10% off</b>' }, poll: { question: 'Next?', options: [{ label: 'Green', votes: 3 }, { label: 'Blue', votes: 1 }] } };
  const svgs = renderScene(theme, scene({ state, checkoutUrl: 'https://shop.example/watch/abc?product=p1' }));
  t.match(svgs.qr, /<path d="M\d/);
  t.match(svgs.announcement, 'Code LIVE10 &lt;b&gt;10% off&lt;/b&gt;');
  t.match(svgs.poll, '75%');
  t.match(svgs.poll, '25%');
  t.equal(renderScene(theme, scene({ state: { ...state, qr: true }, checkoutUrl: null })).qr, null, 'no QR without a product to buy');
  const hidden = renderScene(theme, scene({ state: { ...state, hidden: true }, checkoutUrl: 'https://x' }));
  t.same(Object.values(hidden), [null, null, null, null, null]);
  const themed = renderScene(theme, scene({ state: { ...state, theme: { brandColor: '#00AA00' } } }));
  t.match(themed.announcement, 'fill="#00AA00"');
  // the QR code must decode back to the URL: check its size is a valid QR version
  t.ok(await inked(svgs.qr!, 'qr') > 5000);
});

t.test('the variant choice: one short line under a one-line title, escaped, inside the card in every layout', async (t) => {
  const tee = product('Organic cotton logo tee with a long name that would take two lines', {
    options: [{ name: 'Size', values: ['S', 'M', 'L'] }],
    variants: ['S', 'M', 'L'].map((size, i) => ({ id: `v${i}`, productId: 'p1', sku: `TEE-${size}`, options: { Size: size }, price: 1999, compareAtPrice: null, stock: 3, stockVersion: 0, hasImage: false, createdAt: 0, updatedAt: 0 })),
  });
  t.equal(variantChoiceLine(tee), 'S · M · L');
  const colours = { ...tee, options: [{ name: 'Colour', values: ['Red', 'Blue', 'Forest green', 'Sand', 'Charcoal grey'] }], variants: ['Red', 'Blue', 'Forest green'].map((c, i) => ({ ...tee.variants[0]!, id: `c${i}`, options: { Colour: c } })) };
  t.equal(variantChoiceLine(colours), 'Red · Blue · Forest green', 'only the values some variant is sold in');
  const many = { ...colours, variants: colours.options[0]!.values.map((c, i) => ({ ...tee.variants[0]!, id: `c${i}`, options: { Colour: c } })) };
  t.equal(variantChoiceLine(many), '5 colours', 'too long for a line: a count');
  t.equal(variantChoiceLine(product('Mug')), '', 'no line without variants');

  const withLine = renderScene(theme, scene({ pinned: { product: tee, imagePng: null, variantLine: 'S · M · L' } })).product!;
  t.match(withLine, '>S · M · L</text>');
  t.match(withLine, /<text[^>]+y="80"[^>]*><\/text>/, 'the title keeps to one line');
  const without = renderScene(theme, scene({ pinned: { product: tee, imagePng: null } })).product!;
  t.match(without, /display="none">/, 'no variant line when none is given');
  t.notMatch(without, /<text[^>]+y="80"[^>]*><\/text>/, 'the title takes two lines');
  const evil = renderScene(theme, scene({ pinned: { product: tee, imagePng: null, variantLine: '<b>&"</b>' } })).product!;
  t.match(evil, '&lt;b&gt;&amp;&quot;&lt;/b&gt;', 'escaped');

  // drawn at the size and scale each layout puts the card at: the line ends inside the card
  const long = renderScene(theme, scene({ pinned: { product: tee, imagePng: null, variantLine: 'XS · S · M · L · XL · XXL · 3XL · 4XL · 5XL · 6XL · 7XL' } })).product!;
  t.match(long, '…</text>', 'a line too long is cut with an ellipsis');
  for (const frame of [{ width: 1280, height: 720 }, { width: 720, height: 1280 }]) {
    const place = layoutFor(theme, frame).slots.product;
    const rgba = await rasterize(long, place.width, place.height, place.scale);
    const bright = (x: number, y: number) => rgba[(y * place.width + x) * 4]! > 120;
    const top = Math.floor(64 * place.scale);
    const bottom = Math.ceil(92 * place.scale);
    let inked = 0;
    let nearEdge = 0;
    for (let y = top; y < bottom; y++) {
      for (let x = Math.floor(160 * place.scale); x < place.width; x++) {
        if (!bright(x, y)) continue;
        inked++;
        if (x >= place.width - Math.floor(12 * place.scale)) nearEdge++;
      }
    }
    t.ok(inked > 200, `${frame.width}x${frame.height}: the line is drawn (${inked} px)`);
    t.equal(nearEdge, 0, `${frame.width}x${frame.height}: nothing drawn in the card's right margin`);
  }
});
