// The time left before an upcoming show, in words a phone has room for. No DOM: the tests run it
// in Node.

/**
 * "Starts in 2 d 3 h", "Starts in 1 h 05 min", "Starts in 4 min 09 s", "Starts in 9 s", and
 * once the time has come "Starting any moment".
 * @param {number} leftMs
 * @returns {string}
 */
export function countdownText(leftMs) {
  if (!(leftMs > 0)) return 'Starting any moment';
  const s = Math.ceil(leftMs / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  if (d > 0) return `Starts in ${d} d ${h} h`;
  if (h > 0) return `Starts in ${h} h ${two(m)} min`;
  if (m > 0) return `Starts in ${m} min ${two(sec)} s`;
  return `Starts in ${sec} s`;
}
