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
  createdAt: number;
  updatedAt: number;
}

export const PRODUCT_TITLE_MAX = 2000;

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
