// Money as the API keeps it, integer minor units (cents for EUR, whole yen for JPY), and as a
// merchant types and reads it, in the currency's units ("39.90", or "39,90" as written in euro
// locales). The only place the pages convert between the two: a field never holds cents and a
// price never passes through a float that could show as 23.992000000000004.

/** @type {Map<string, Intl.NumberFormat | null>} */
const formats = new Map();
/** the reader's own locale, for display; null for a code Intl does not accept @param {string} currency */
function formatOf(currency) {
  if (!formats.has(currency)) {
    let f = null;
    try {
      f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      // not a well-formed currency code: money() falls back to "1999 XYZ"
    }
    formats.set(currency, f);
  }
  return formats.get(currency) ?? null;
}

/** digits after the point in a currency: 2 for EUR, 0 for JPY, 3 for KWD (2 when unknown) @param {string} currency */
export const minorDigits = (currency) => formatOf(currency)?.resolvedOptions().maximumFractionDigits ?? 2;

/** minor units for reading, in the reader's locale ("€29.99", "29,99 €") @param {number} minor @param {string} currency */
export function money(minor, currency) {
  const f = formatOf(currency);
  return f ? f.format(minor / 10 ** minorDigits(currency)) : `${minor} ${currency}`;
}

/**
 * Minor units as a form field shows them: exact digits, no float on the way ("2399" EUR ->
 * "23.99", 500 JPY -> "500"). A fractional count of minor units is rounded first.
 * @param {number} minor @param {string} currency
 */
export function unitsText(minor, currency) {
  const digits = minorDigits(currency);
  const whole = Math.round(Math.abs(minor));
  const sign = minor < 0 && whole > 0 ? '-' : '';
  if (digits === 0) return `${sign}${whole}`;
  const text = String(whole).padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * What a merchant typed, in the currency's units, as minor units: "39,90" and "39.90" EUR ->
 * 3990, "5" EUR -> 500, "500" JPY -> 500. Either a point or a comma is the decimal mark; no
 * thousands separators (is "1.234" one thousand or one point two?). Otherwise the problem in
 * words, to show next to the field.
 * @param {string} text @param {string} currency
 * @returns {{ minor: number } | { problem: string }}
 */
export function parseMoney(text, currency) {
  const digits = minorDigits(currency);
  const t = text.trim();
  const example = digits === 0 ? `a whole amount in ${currency} such as 500 (${currency} has no decimals)` : `an amount in ${currency} such as 19.99 or 19,99`;
  if (t === '') return { problem: `enter ${example}` };
  if (/^-/.test(t)) return { problem: 'must be 0 or more, not negative' };
  const m = /^(\d{1,12})(?:[.,](\d+))?$/.exec(t);
  if (!m) return { problem: `not an amount: write ${example}, without thousands separators` };
  const frac = m[2] ?? '';
  if (frac.length > digits && /[1-9]/.test(frac.slice(digits))) return { problem: digits === 0 ? `${currency} has no decimals: write a whole amount` : `at most ${digits} decimals in ${currency}` };
  return { minor: Number(m[1]) * 10 ** digits + Number(frac.slice(0, digits).padEnd(digits, '0') || 0) };
}
