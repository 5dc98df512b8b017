/**
 * ISO 4217 from the runtime's own list (Intl.supportedValuesOf), never a
 * hand-typed table; plus the aliases FinBrain's users really type.
 */
let iso: Set<string> | undefined;
export function isoCurrencies(): Set<string> {
  iso ??= new Set(Intl.supportedValuesOf('currency'));
  return iso;
}

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
};

/** The ISO code for what a user typed, or undefined when it is not a currency. */
export function normaliseCurrency(input: string): string | undefined {
  const key = input.trim().toLowerCase();
  const alias = CURRENCY_ALIASES[key];
  if (alias) return alias;
  const code = key.toUpperCase();
  return /^[A-Z]{3}$/.test(code) && isoCurrencies().has(code) ? code : undefined;
}

/** Digits after the decimal point the currency allows (BDT 2, JPY 0, KWD 3). */
export function minorUnits(code: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
}
