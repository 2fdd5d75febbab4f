import { mkdirSync } from 'node:fs';
import sharp from 'sharp';
import t from 'tap';
import { emptyOverlayState } from '../../src/domain/overlay.js';
import type { Product } from '../../src/domain/product.js';
import { layoutFor, themeForLayout, type SlotPlacement } from '../../src/overlay/layout.js';
import { rasterize } from '../../src/overlay/rasterize.js';
import { renderScene, type OverlayScene } from '../../src/overlay/render.js';
import { loadOverlayTheme, slotNames } from '../../src/overlay/templates.js';

const ARTIFACTS = 'artifacts/overlay-layouts';
const theme = loadOverlayTheme();

/** Every shape a phone, a camera or OBS sends, as the top rung sees it (480p, 720p, 1080p, odd). */
const frames = {
  landscape: [[1280, 720], [854, 480], [1920, 1080], [1560, 720], [960, 720]],
  portrait: [[720, 1280], [480, 854], [1080, 1920], [720, 1560], [720, 960]],
  square: [[720, 720], [480, 480], [1080, 1080], [720, 880], [880, 720]],
} as const;

const product: Product = {
  id: 'p1', sku: 'HOSE-30', title: 'Expandable garden hose 30 m with brass fittings and spray gun', description: '', price: 1999, currency: 'USD',
  compareAtPrice: 2999, stock: 50, stockVersion: 0, hasImage: false, options: [], variants: [], createdAt: 0, updatedAt: 0,
};
/** Every slot on at once: the most a host can put on screen. */
const everything: OverlayScene = {
  state: {
    ...emptyOverlayState(),
    pinnedProductId: 'p1',
    flashSaleId: 'f1',
    qr: true,
    announcement: { text: 'Code LIVE10: 10% off the next 10 orders, today only, while the show is live' },
    poll: { question: 'Which colour next?', options: [{ label: 'Forest green', votes: 5 }, { label: 'Ocean blue', votes: 3 }, { label: 'Sunset orange', votes: 1 }, { label: 'Stone grey', votes: 1 }] },
  },
  pinned: { product, imagePng: null },
  flashSale: { sale: { id: 'f1', showId: 's', productId: 'p1', variantId: null, price: 1499, quantity: 100, remaining: 37, perCustomerLimit: null, startsAt: 0, endsAt: 90_000, createdAt: 0 }, product },
  checkoutUrl: 'https://shop.example/watch/abc?product=p1',
  now: 0,
};

const overlaps = (a: SlotPlacement, b: SlotPlacement) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

t.test('every slot of every layout at once, at several frame sizes: inside the frame and the safe zones, none over another', async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [orientation, sizes] of Object.entries(frames)) {
    for (const [width, height] of sizes) {
      const layout = layoutFor(theme, { width, height });
      const name = `${orientation} ${width}x${height}`;
      t.equal(layout.orientation, orientation, `${name}: picked the ${orientation} layout`);
      const zone = layout.safeZone;
      const clear = { left: zone.left * width, top: zone.top * height, right: (1 - zone.right) * width, bottom: (1 - zone.bottom) * height };
      const placed = slotNames.map((s) => layout.slots[s]);
      for (const p of placed) {
        t.ok(p.x >= 0 && p.y >= 0 && p.x + p.width <= width && p.y + p.height <= height, `${name}: ${p.slot} inside the frame`);
        t.ok(
          p.x >= clear.left && p.y >= clear.top && p.x + p.width <= clear.right && p.y + p.height <= clear.bottom,
          `${name}: ${p.slot} (${p.x},${p.y} ${p.width}x${p.height}) clear of the safe zones`,
        );
        t.ok(p.width % 2 === 0 && p.height % 2 === 0, `${name}: ${p.slot} has even sides`);
      }
      for (let i = 0; i < placed.length; i++) {
        for (let j = i + 1; j < placed.length; j++) t.notOk(overlaps(placed[i]!, placed[j]!), `${name}: ${placed[i]!.slot} and ${placed[j]!.slot} do not overlap`);
      }

      // drawn for real: each slot's ink stays in its box, no pixel is inked by two slots
      const svgs = renderScene(themeForLayout(theme, layout), everything);
      const owner = new Int8Array(width * height).fill(-1);
      const layers: sharp.OverlayOptions[] = [];
      for (const [index, p] of placed.entries()) {
        const svg = svgs[p.slot];
        t.ok(svg, `${name}: ${p.slot} is drawn`);
        const rgba = await rasterize(svg!, p.width, p.height, p.scale);
        let inked = 0;
        for (let y = 0; y < p.height; y++) {
          for (let x = 0; x < p.width; x++) {
            if (rgba[(y * p.width + x) * 4 + 3]! === 0) continue;
            inked++;
            const at = (p.y + y) * width + p.x + x;
            if (owner[at] !== -1) t.fail(`${name}: ${p.slot} draws over ${placed[owner[at]!]!.slot} at ${p.x + x},${p.y + y}`);
            owner[at] = index;
          }
        }
        t.ok(inked > p.width * p.height * 0.3, `${name}: ${p.slot} is mostly ink (${inked} px)`);
        layers.push({ input: rgba, raw: { width: p.width, height: p.height, channels: 4 }, left: p.x, top: p.y });
      }
      // what a viewer would see on a mid-grey picture, safe zones tinted
      const zones = Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g fill="#ff00ff" fill-opacity="0.25">` +
          `<rect x="0" y="0" width="${width}" height="${clear.top}"/><rect x="0" y="${clear.bottom}" width="${width}" height="${height - clear.bottom}"/>` +
          `<rect x="${clear.right}" y="0" width="${width - clear.right}" height="${height}"/></g></svg>`,
      );
      await sharp({ create: { width, height, channels: 3, background: '#5a6b7c' } })
        .composite([{ input: zones, left: 0, top: 0 }, ...layers])
        .png()
        .toFile(`${ARTIFACTS}/${orientation}-${width}x${height}.png`);
    }
  }
});

t.test('the same composition at 480p and 1080p: every slot keeps its share of the frame', async (t) => {
  for (const sizes of Object.values(frames)) {
    const [base, ...others] = sizes.slice(0, 3).map(([width, height]) => layoutFor(theme, { width, height }));
    for (const other of others) {
      for (const slot of slotNames) {
        const a = base!.slots[slot];
        const b = other.slots[slot];
        const k = other.frame.width / base!.frame.width;
        t.ok(Math.abs(b.x - a.x * k) <= 2 && Math.abs(b.y - a.y * k) <= 2 && Math.abs(b.width - a.width * k) <= 2 && Math.abs(b.height - a.height * k) <= 2,
          `${other.orientation} ${other.frame.width}x${other.frame.height}: ${slot} scales with the frame`);
      }
    }
  }
});

t.test('text on the phone layout: the card title and price stay readable full-screen on a 390 px phone', async (t) => {
  // 720-px-wide portrait video shown 390 CSS px wide: 0.54 CSS px per video px
  const layout = layoutFor(theme, { width: 720, height: 1280 });
  const cssPerPx = 390 / 720;
  const card = layout.slots.product;
  t.ok(24 * card.scale * cssPerPx >= 14, `card title ${(24 * card.scale).toFixed(1)} px = ${(24 * card.scale * cssPerPx).toFixed(1)} CSS px >= 14`);
  t.ok(34 * card.scale * cssPerPx >= 20, `card price ${(34 * card.scale).toFixed(1)} px = ${(34 * card.scale * cssPerPx).toFixed(1)} CSS px >= 20`);
  t.ok(38 * layout.slots.flash.scale * cssPerPx >= 20, 'flash-sale price >= 20 CSS px');
  t.ok(28 * layout.slots.announcement.scale * cssPerPx >= 14, 'announcement >= 14 CSS px');
});
