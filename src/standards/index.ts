export { normaliseCurrency, minorUnits, isoCurrencies, CURRENCY_ALIASES } from './currency.js';
export { checkAmount, compareDecimal } from './amount.js';
export { expenseInputSchema, normaliseSource, DEFAULT_STANDARDS, type ExpenseInput, type Expense, type StandardsOptions } from './expense.js';
