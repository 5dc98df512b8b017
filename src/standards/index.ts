export { normalizeCurrency, currencyMinorUnit, currencyCodes, CURRENCY_ALIASES } from './currency.js';
export { normalizeAmount, type AmountResult } from './amount.js';
export { normalizeSource } from './source.js';
export {
  createExpenseSchema,
  validateExpense,
  toIssues,
  DEFAULT_STANDARDS,
  type NormalizedExpense,
  type ExpenseInput,
  type StandardsConfig,
} from './expense-schema.js';
export { StandardsValidationError, type FieldIssue } from './validation-error.js';
