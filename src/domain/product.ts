export interface Product {
  id: string;
  sku: string;
  title: string;
  description: string;
  /** integer minor units (cents) */
  price: number;
  /** ISO 4217 */
  currency: string;
  compareAtPrice: number | null;
  stock: number;
  /** moves on with every change of stock (orders, cancellations, edits): a stock edit names the one it read */
  stockVersion: number;
  hasImage: boolean;
  /** what a buyer chooses between (Size, Colour): empty for a product without variants */
  options: ProductOption[];
  /** one per combination of option values on sale; with variants, `stock` is the sum of theirs */
  variants: Variant[];
  createdAt: number;
  updatedAt: number;
}

export interface ProductOption {
  name: string;
  values: string[];
}

/** One combination of a product's option values, sold with its own SKU, price, stock and picture. */
export interface Variant {
  id: string;
  productId: string;
  sku: string;
  /** one value for each of the product's options, by option name: { Size: 'M', Colour: 'Red' } */
  options: Record<string, string>;
  /** integer minor units, in the product's currency */
  price: number;
  compareAtPrice: number | null;
  stock: number;
  /** moves on with every change of this variant's stock; a stock edit names the one it read */
  stockVersion: number;
  hasImage: boolean;
  createdAt: number;
  updatedAt: number;
}

export const PRODUCT_TITLE_MAX = 2000;
export const OPTIONS_MAX = 3;
export const OPTION_VALUES_MAX = 20;
export const OPTION_NAME_MAX = 40;
export const OPTION_VALUE_MAX = 40;
export const VARIANTS_MAX = 100;

/** "M / Red": a variant's values in the order of the product's options (what an order line says). */
export function variantLabel(options: readonly ProductOption[], variant: Pick<Variant, 'options'>): string {
  return options.map((o) => variant.options[o.name] ?? '').filter(Boolean).join(' / ');
}

/**
 * The choice in one short line, for the overlay card: the values of a single option when they
 * fit ("S · M · L"), otherwise a count per option ("3 colours · 4 sizes"). Empty without variants.
 */
export function variantChoiceLine(product: Pick<Product, 'options' | 'variants'>, maxChars = 32): string {
  if (product.variants.length === 0 || product.options.length === 0) return '';
  // only the values some variant is sold in: the card must not offer what cannot be bought
  const offered = product.options.map((o) => ({ name: o.name, values: o.values.filter((v) => product.variants.some((x) => x.options[o.name] === v)) }));
  const [first] = offered;
  if (offered.length === 1 && first) {
    const line = first.values.join(' · ');
    if ([...line].length <= maxChars) return line;
  }
  const counted = offered.map((o) => `${o.values.length} ${plural(o.name.toLowerCase(), o.values.length)}`).join(' · ');
  return [...counted].length <= maxChars ? counted : `${product.variants.length} options`;
}

function plural(word: string, n: number): string {
  if (n === 1 || /s$/.test(word)) return word;
  return /(x|ch|sh)$/.test(word) ? `${word}es` : `${word}s`;
}

/** Minor-unit exponent per ISO 4217 currency Hawker accepts; the list is the validation. */
export const currencyExponents: Readonly<Record<string, number>> = {
  USD: 2, EUR: 2, GBP: 2, CHF: 2, CAD: 2, AUD: 2, NZD: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, CZK: 2,
  HUF: 2, MXN: 2, BRL: 2, INR: 2, CNY: 2, HKD: 2, TWD: 2, SGD: 2, MYR: 2, THB: 2, PHP: 2, IDR: 2,
  ZAR: 2, TRY: 2, AED: 2, SAR: 2, ILS: 2, EGP: 2, JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0,
  KWD: 3, BHD: 3, JOD: 3, OMR: 3,
};

const symbols: Readonly<Record<string, string>> = {
  USD: '$', EUR: '€', GBP: '£', JPY: '¥', CNY: '¥', KRW: '₩', INR: '₹', ILS: '₪', VND: '₫', THB: '฿', PHP: '₱', TRY: '₺',
};

/** "$19.99", "¥1,200", "CHF 12.50": what goes on screen. */
export function formatMoney(minor: number, currency: string): string {
  const exponent = currencyExponents[currency] ?? 2;
  const value = (minor / 10 ** exponent).toFixed(exponent);
  const [whole, fraction] = value.split('.');
  const grouped = (whole ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const amount = fraction ? `${grouped}.${fraction}` : grouped;
  const symbol = symbols[currency];
  return symbol ? `${symbol}${amount}` : `${currency} ${amount}`;
}
