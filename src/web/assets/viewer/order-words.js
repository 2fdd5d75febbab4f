// An order as its viewer reads it: the status in words and the time a hold has left. Shared by
// the buy sheet (right after placing) and "my orders".

/** @typedef {import('../../wire.js').ViewerOrder} ViewerOrder */

/** @type {Record<import('../../wire.js').OrderStatus, string>} */
const statusWords = {
  pending: 'Waiting for payment',
  paid: 'Paid · being prepared',
  shipped: 'Shipped',
  cancelled: 'Cancelled',
  expired: 'Hold ran out',
  refunded: 'Refunded',
};
/** @param {ViewerOrder} o */
export const statusText = (o) => statusWords[o.status] ?? o.status;

/** milliseconds a hold has left (0 when it ran out), null without a hold @param {string | null} holdExpiresAt @param {number} [now] */
export function holdLeftMs(holdExpiresAt, now = Date.now()) {
  if (!holdExpiresAt) return null;
  const at = Date.parse(holdExpiresAt);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** "9:41", "1:02:05", or "2 days 3 h" for the long holds of manual payment @param {number} ms */
export function clockText(ms) {
  const s = Math.ceil(ms / 1000);
  const days = Math.floor(s / 86400);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'} ${Math.floor((s % 86400) / 3600)} h`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** the sentence under a pending order @param {string | null} holdExpiresAt */
export function holdText(holdExpiresAt) {
  const left = holdLeftMs(holdExpiresAt);
  if (left === null) return '';
  return left > 0 ? `Held for you for ${clockText(left)}` : 'The hold ran out: the item went back on sale';
}
