import type { FlashSale, OverlayState, Theme } from '../domain/overlay.js';
import { formatMoney, type Product } from '../domain/product.js';
import { qrPath } from './qr.js';
import { fillTemplate, slotNames, type OverlayTheme, type SlotName } from './templates.js';
import { escapeXml, fitText, isRtl, wrapText } from './text.js';

/** Everything a frame of overlays depends on, resolved by the caller. */
export interface OverlayScene {
  state: OverlayState;
  /**
   * The pinned product's card. `variantLine`: the variant choice in one short line ("S · M · L",
   * "3 colours", or the variant on sale); the card draws none when it is absent or empty.
   */
  pinned: { product: Product; imagePng: Buffer | null; variantLine?: string } | null;
  flashSale: { sale: FlashSale; product: Product } | null;
  /** where a viewer who scans the QR code lands: the pinned (or flash-sale) product's checkout */
  checkoutUrl: string | null;
  now: number;
}

/** Per slot: the SVG to draw, or null when the slot is empty. */
export type SlotSvgs = Record<SlotName, string | null>;

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** mm:ss left, rounded up so "00:00" shows only when time is really up. */
export function countdownText(msLeft: number): string {
  const s = Math.max(0, Math.ceil(msLeft / 1000));
  return `${pad2(Math.floor(s / 60))}:${pad2(s % 60)}`;
}

export function renderScene(theme: OverlayTheme, scene: OverlayScene): SlotSvgs {
  const out = Object.fromEntries(slotNames.map((n) => [n, null])) as SlotSvgs;
  if (scene.state.hidden) return out;
  const t: Theme = { ...theme.theme, ...scene.state.theme };
  const common = (slot: SlotName) => {
    const spec = theme.slots[slot];
    return {
      width: spec.width,
      height: spec.height,
      centerX: spec.width / 2,
      cornerRadius: t.cornerRadius,
      brandColor: t.brandColor,
      accentColor: t.accentColor,
      textColor: t.textColor,
      fontFamily: escapeXml(theme.fontFamily),
    };
  };

  if (scene.pinned) {
    const { product, imagePng } = scene.pinned;
    const spec = theme.slots.product;
    const textLeft = 160;
    const textWidth = spec.width - textLeft - 20;
    // the variant line takes the title's second line: the card keeps its size in every layout
    const variantLine = scene.pinned.variantLine ? fitText(scene.pinned.variantLine, textWidth, 20) : '';
    const lines = wrapText(product.title, textWidth, 24, variantLine ? 1 : 2);
    const rtl = isRtl(product.title);
    const discount =
      product.compareAtPrice && product.compareAtPrice > product.price
        ? `-${Math.round((1 - product.price / product.compareAtPrice) * 100)}%`
        : '';
    out.product = fillTemplate(spec.template, {
      ...common('product'),
      imageHref: imagePng ? `data:image/png;base64,${imagePng.toString('base64')}` : 'data:,',
      imageDisplay: imagePng ? 'inline' : 'none',
      placeholderDisplay: imagePng ? 'none' : 'inline',
      titleX: rtl ? spec.width - 20 : textLeft,
      titleAnchor: rtl ? 'end' : 'start',
      titleDirection: rtl ? 'rtl' : 'ltr',
      titleLine1: escapeXml(lines[0] ?? ''),
      titleLine2: escapeXml(lines[1] ?? ''),
      variantLine: escapeXml(variantLine),
      variantDisplay: variantLine ? 'inline' : 'none',
      variantDirection: isRtl(variantLine) ? 'rtl' : 'ltr',
      price: escapeXml(formatMoney(product.price, product.currency)),
      compareAt: discount ? escapeXml(formatMoney(product.compareAtPrice ?? 0, product.currency)) : '',
      discount,
    });
  }

  if (scene.flashSale) {
    const { sale, product } = scene.flashSale;
    const spec = theme.slots.flash;
    const msLeft = sale.endsAt - scene.now;
    const soldOut = sale.remaining === 0;
    const over = msLeft <= 0;
    const barWidth = spec.width - 32;
    const fill = Math.round((barWidth * sale.remaining) / sale.quantity);
    out.flash = fillTemplate(spec.template, {
      ...common('flash'),
      countdownX: spec.width - 16,
      countdown: countdownText(msLeft),
      // the box names what is on sale: another product may be pinned beside it
      // a wider margin than the estimate needs: the title is semi-bold
      productTitle: escapeXml(fitText(product.title, spec.width - 44, 17)),
      price: escapeXml(formatMoney(sale.price, product.currency)),
      regularPrice: sale.price < product.price ? escapeXml(formatMoney(product.price, product.currency)) : '',
      stockText: escapeXml(
        soldOut ? 'SOLD OUT' : sale.remaining <= 10 ? `Only ${sale.remaining} left!` : `${sale.remaining} of ${sale.quantity} left`,
      ),
      barWidth,
      barFill: Math.max(soldOut ? 0 : 16, fill),
      barColor: sale.remaining / sale.quantity <= 0.2 ? t.brandColor : t.accentColor,
      soldOutDisplay: soldOut || over ? 'inline' : 'none',
      soldOutText: soldOut ? 'SOLD OUT' : 'ENDED',
    });
  }

  if (scene.state.qr && scene.checkoutUrl) {
    const spec = theme.slots.qr;
    const { path, size } = qrPath(scene.checkoutUrl);
    out.qr = fillTemplate(spec.template, {
      ...common('qr'),
      qrScale: ((spec.width - 24) / size).toFixed(4),
      qrPath: path,
    });
  }

  if (scene.state.announcement) {
    const spec = theme.slots.announcement;
    const text = fitText(scene.state.announcement.text, spec.width - 48, 28);
    const rtl = isRtl(text);
    out.announcement = fillTemplate(spec.template, {
      ...common('announcement'),
      textX: rtl ? spec.width - 24 : 24,
      textAnchor: rtl ? 'end' : 'start',
      textDirection: rtl ? 'rtl' : 'ltr',
      text: escapeXml(text),
    });
  }

  if (scene.state.poll) {
    const spec = theme.slots.poll;
    const { question, options } = scene.state.poll;
    const total = options.reduce((sum, o) => sum + o.votes, 0);
    const values: Record<string, string | number> = { ...common('poll'), question: escapeXml(fitText(question, spec.width - 32, 20)) };
    for (let i = 0; i < 4; i++) {
      const option = options[i];
      const share = option && total > 0 ? option.votes / total : 0;
      values[`option${i}Display`] = option ? 'inline' : 'none';
      values[`option${i}Width`] = Math.round(308 * share);
      values[`option${i}Label`] = escapeXml(fitText(option?.label ?? '', 220, 17));
      values[`option${i}Percent`] = option ? `${Math.round(share * 100)}%` : '';
    }
    out.poll = fillTemplate(spec.template, values);
  }
  return out;
}
