/**
 * One table of currency signs and words, for every agent that reads money in a chat (iris routes
 * it, ledger records it): both must agree that "30 zł" is PLN.
 */

/** Currency signs, one character each, to ISO 4217 codes. */
export const CURRENCY_SIGNS: Readonly<Record<string, string>> = {
  '€': 'EUR', $: 'USD', '£': 'GBP', '¥': 'JPY', '₹': 'INR', '₺': 'TRY', '₽': 'RUB', '₩': 'KRW', '₪': 'ILS', '฿': 'THB',
};

/**
 * Currency words, codes and prefixed signs, lower-cased, to ISO 4217 codes. "try" is left out: it is
 * an English verb far more often than the lira's code.
 */
export const CURRENCY_WORDS: Readonly<Record<string, string>> = {
  eur: 'EUR', euro: 'EUR', euros: 'EUR', eu: 'EUR',
  usd: 'USD', dollar: 'USD', dollars: 'USD', bucks: 'USD', buck: 'USD', 'us$': 'USD',
  gbp: 'GBP', pound: 'GBP', pounds: 'GBP', quid: 'GBP',
  chf: 'CHF', franc: 'CHF', francs: 'CHF', fr: 'CHF',
  jpy: 'JPY', yen: 'JPY',
  inr: 'INR', rupee: 'INR', rupees: 'INR',
  lira: 'TRY',
  rub: 'RUB',
  krw: 'KRW',
  zł: 'PLN', zl: 'PLN', pln: 'PLN', zloty: 'PLN',
  kč: 'CZK', czk: 'CZK',
  sek: 'SEK', nok: 'NOK', dkk: 'DKK', kr: 'SEK',
  cad: 'CAD', 'c$': 'CAD', aud: 'AUD', 'a$': 'AUD', nzd: 'NZD',
  huf: 'HUF', ron: 'RON', bgn: 'BGN', cny: 'CNY', rmb: 'CNY', hkd: 'HKD', sgd: 'SGD',
  brl: 'BRL', 'r$': 'BRL', reais: 'BRL', mxn: 'MXN', zar: 'ZAR', aed: 'AED', ils: 'ILS', thb: 'THB',
};

/** The ISO 4217 code a sign or a currency word names ("€", "Zł", "bucks"), or undefined. */
export function currencyNamed(token: string): string | undefined {
  return CURRENCY_SIGNS[token] ?? CURRENCY_WORDS[token.toLowerCase()];
}
