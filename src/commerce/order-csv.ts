import type { OrderDetail } from '../domain/order.js';

/** RFC 4180 quoting, and no formula injection when the file is opened in a spreadsheet. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  // a text cell a spreadsheet would read as a formula (or a cell-splitting control) starts with '
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const columns = [
  'id', 'createdAt', 'status', 'showId', 'viewerName', 'productTitle', 'variantLabel', 'quantity', 'unitPrice', 'discount', 'shipping', 'tax', 'total', 'currency',
  'payment', 'paymentReference', 'contactName', 'email', 'phone', 'shipName', 'line1', 'line2', 'city', 'region', 'postalCode', 'country', 'carrier', 'trackingNumber', 'paidAt', 'shippedAt', 'replay', 'recordingUrl',
] as const;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One row per order, every text cell guarded: what a buyer typed can never run in the merchant's spreadsheet. */
export function ordersCsv(orders: readonly OrderDetail[]): string {
  const rows = orders.map((o) =>
    [
      o.id, iso(o.createdAt), o.status, o.showId, o.viewerName, o.productTitle, o.variantLabel, o.quantity, o.unitPrice, o.discount, o.shipping, o.tax, o.total, o.currency,
      o.payment.provider, o.payment.reference, o.contact?.name ?? null, o.contact?.email ?? null, o.contact?.phone ?? null,
      o.shippingAddress?.name ?? null, o.shippingAddress?.line1 ?? null, o.shippingAddress?.line2 ?? null, o.shippingAddress?.city ?? null, o.shippingAddress?.region ?? null,
      o.shippingAddress?.postalCode ?? null, o.shippingAddress?.country ?? null, o.carrier, o.trackingNumber, iso(o.paidAt), iso(o.shippedAt), o.replay ? 'yes' : 'no', o.recordingUrl,
    ]
      .map(csvCell)
      .join(','),
  );
  return [columns.join(','), ...rows].join('\r\n') + '\r\n';
}
