/**
 * ISO 4217 currency normalisation. The code list is the runtime's own
 * (`Intl.supportedValuesOf('currency')`), never a hand-typed list, so it follows
 * ICU updates.
 */

let codes: Set<string> | undefined;

export function currencyCodes(): Set<string> {
  codes ??= new Set(Intl.supportedValuesOf('currency'));
  return codes;
}

/** Spellings users really type, lower-cased, whitespace removed. */
export const CURRENCY_ALIASES: Readonly<Record<string, string>> = {
  tk: 'BDT',
  'tk.': 'BDT',
  taka: 'BDT',
  '৳': 'BDT',
  $: 'USD',
  us$: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '₹': 'INR',
  rs: 'INR',
  'rs.': 'INR',
  '¥': 'JPY',
};

/** `tk` → BDT, `usd` → USD; undefined when the value is not a known currency. */
export function normalizeCurrency(value: string): string | undefined {
  const compact = value.trim().replace(/\s+/g, '');
  if (!compact) return undefined;
  const alias = CURRENCY_ALIASES[compact.toLowerCase()];
  if (alias) return alias;
  const upper = compact.toUpperCase();
  return /^[A-Z]{3}$/.test(upper) && currencyCodes().has(upper) ? upper : undefined;
}

const minorUnits = new Map<string, number>();

/** Fraction digits of the currency's minor unit (BDT 2, JPY 0, BHD 3), from ICU. */
export function currencyMinorUnit(code: string): number {
  let digits = minorUnits.get(code);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    minorUnits.set(code, digits);
  }
  return digits;
}
