/**
 * Money as integers in the currency's minor unit (cents), never floats, and amounts as people type
 * them: "12.50", "12,50", "1.234,56", "1,234.56", "€30", "45 USD", "3 bucks".
 */

/** Thrown when a configured currency is not an ISO 4217 code Intl knows. */
export class InvalidCurrencyError extends Error {
  override readonly name = 'InvalidCurrencyError';
  constructor(readonly currency: string) {
    super(`"${currency}" is not an ISO 4217 currency code (e.g. "EUR", "USD")`);
  }
}

const digitsCache = new Map<string, number>();

/** Decimal places of the currency's minor unit: 2 for EUR, 0 for JPY. Throws InvalidCurrencyError. */
export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    if (!/^[A-Z]{3}$/.test(currency)) throw new InvalidCurrencyError(currency);
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      throw new InvalidCurrencyError(currency);
    }
    digitsCache.set(currency, d);
  }
  return d;
}

/** Throws InvalidCurrencyError unless `currency` is a usable ISO code. */
export function assertCurrency(currency: string): void {
  minorDigits(currency);
}

/** Digits grouped in threes by "." or by ",": the only two separators normalizeDecimal meets. */
const GROUPED: Readonly<Record<'.' | ',', RegExp>> = { '.': /^\d{1,3}(\.\d{3})+$/, ',': /^\d{1,3}(,\d{3})+$/ };

/**
 * A decimal number as typed, in either convention, as a string of digits with "." as the decimal
 * point ("1.234,56" → "1234.56"), or undefined when it is not a plain amount.
 *
 * Both separators present: the last one is the decimal point. One separator used once: followed by
 * exactly three digits it groups thousands ("1.234" → 1234, "1,234" → 1234), else it is the decimal
 * point ("12,5" → 12.5). One separator used several times: thousands ("1.234.567").
 */
export function normalizeDecimal(raw: string): string | undefined {
  const s = raw.replace(/[\s\u00a0'’]/g, '');
  if (!/^\d[\d.,]*$/.test(s) || /[.,]$/.test(s)) return undefined;
  const dots = (s.match(/\./g) ?? []).length;
  const commas = (s.match(/,/g) ?? []).length;
  if (dots > 0 && commas > 0) {
    const decimal = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    const group = decimal === '.' ? ',' : '.';
    const [intPart, frac, extra] = s.split(decimal);
    if (extra !== undefined || frac === undefined || !GROUPED[group].test(intPart!)) return undefined;
    return `${intPart!.split(group).join('')}.${frac}`;
  }
  const sep = dots > 0 ? '.' : commas > 0 ? ',' : undefined;
  if (sep === undefined) return s;
  const count = Math.max(dots, commas);
  if (count > 1) return GROUPED[sep].test(s) ? s.split(sep).join('') : undefined;
  const [intPart, frac] = s.split(sep) as [string, string];
  if (frac.length === 3 && intPart !== '0') return `${intPart}${frac}`;
  return `${intPart}.${frac}`;
}

/** A decimal string ("1234.5") in minor units for the currency, or undefined when it has too many decimals. */
export function toMinor(decimal: string, currency: string): number | undefined {
  const digits = minorDigits(currency);
  const [intPart, frac = ''] = decimal.split('.') as [string, string?];
  if (frac.length > digits) {
    // "3.999" for a 2-digit currency is not an amount anyone pays; refuse rather than round.
    if (/[^0]/.test(frac.slice(digits))) return undefined;
  }
  const minor = Number(intPart) * 10 ** digits + Number((frac.slice(0, digits) || '0').padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : undefined;
}

/** "12.50 EUR" style, always two readable parts: the amount with its decimals, and the code. */
export function formatMoney(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const major = Math.floor(abs / 10 ** digits);
  const frac = digits > 0 ? `.${String(abs % 10 ** digits).padStart(digits, '0')}` : '';
  const grouped = String(major).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac} ${currency}`;
}
