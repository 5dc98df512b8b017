export { normaliseCurrency, minorUnits, isoCurrencies, CURRENCY_ALIASES } from './currency.js';
export { checkAmount, compareDecimal, type AmountCheck } from './amount.js';
export { normaliseSource } from './source.js';
export { moneyInput, type StandardsOptions, DEFAULT_STANDARDS } from './money.js';
