const xmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * For every piece of user text drawn into an SVG: markup characters become entities, and
 * characters XML 1.0 forbids (controls, lone surrogates) are dropped, so no title can close an
 * element, add one, or make the document unparsable.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[\t\n\r]+/g, ' ')
    .replace(/[&<>"']/g, (c) => xmlEntities[c] as string);
}

const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
const STRONG_LTR = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u3040-\u30FF\u4E00-\u9FFF\uAC00-\uD7AF]/;

/** Right-to-left when the first strong character is Hebrew or Arabic. */
export function isRtl(text: string): boolean {
  for (const ch of text) {
    if (RTL.test(ch)) return true;
    if (STRONG_LTR.test(ch)) return false;
  }
  return false;
}

/** Estimated advance in em: wide for CJK, kana, Hangul and emoji; narrow for most else. */
function charWidthEm(cp: number): number {
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 1.05;
  }
  if (cp === 0x20) return 0.28;
  if (cp >= 0x41 && cp <= 0x5a) return 0.66;
  return 0.56;
}

export function estimateWidth(text: string, fontSizePx: number): number {
  let em = 0;
  for (const ch of text) em += charWidthEm(ch.codePointAt(0) ?? 0);
  return em * fontSizePx;
}

/** The longest prefix that fits, with an ellipsis when something was cut. */
export function fitText(text: string, maxWidthPx: number, fontSizePx: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (estimateWidth(clean, fontSizePx) <= maxWidthPx) return clean;
  const ellipsis = '…';
  const budget = maxWidthPx - estimateWidth(ellipsis, fontSizePx);
  let out = '';
  let width = 0;
  for (const ch of clean) {
    const w = charWidthEm(ch.codePointAt(0) ?? 0) * fontSizePx;
    if (width + w > budget) break;
    out += ch;
    width += w;
  }
  return out.trimEnd() + ellipsis;
}

/** Up to `lines` lines, breaking at spaces where there are any (CJK breaks anywhere). */
export function wrapText(text: string, maxWidthPx: number, fontSizePx: number, lines: number): string[] {
  const clean = text.replace(/\s+/g, ' ').trim();
  const out: string[] = [];
  let rest = clean;
  while (rest && out.length < lines) {
    if (out.length === lines - 1 || estimateWidth(rest, fontSizePx) <= maxWidthPx) {
      out.push(fitText(rest, maxWidthPx, fontSizePx));
      break;
    }
    let line = '';
    let width = 0;
    let lastSpace = -1;
    for (const ch of rest) {
      const w = charWidthEm(ch.codePointAt(0) ?? 0) * fontSizePx;
      if (width + w > maxWidthPx) break;
      if (ch === ' ') lastSpace = line.length;
      line += ch;
      width += w;
    }
    const cut = lastSpace > 0 ? lastSpace : line.length;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  return out;
}
