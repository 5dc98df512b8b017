import { checkAmount } from './amount.js';
import { minorUnits, normaliseCurrency } from './currency.js';
import { normaliseSource } from './source.js';

export interface StandardsOptions {
  allowedSources: string[];
  maxAmount: string;
}

/** The defaults of finbrain.config.json `standards`. */
export const DEFAULT_STANDARDS: StandardsOptions = { allowedSources: ['chat', 'form', 'api', 'import'], maxAmount: '1000000000' };

export interface MoneyIssue {
  path: 'amount' | 'currency' | 'source';
  message: string;
}

export type MoneyCheck = { ok: true; amount: string; currency: string; source?: string } | { ok: false; issues: MoneyIssue[] };

/**
 * The data standards for anything that carries money, as one check: currency
 * to ISO 4217 (aliases users type included), amount to a plain decimal within
 * the currency's minor unit and the maximum, source (when given) to an
 * allowed, normalised one. Every issue names the field and says what is expected.
 */
export function moneyInput(input: { amount: unknown; currency: unknown; source?: unknown }, o: StandardsOptions): MoneyCheck {
  const issues: MoneyIssue[] = [];
  let currency: string | undefined;
  if (typeof input.currency !== 'string') {
    issues.push({ path: 'currency', message: `${input.currency === undefined ? 'is missing' : `a ${input.currency === null ? 'null' : typeof input.currency} is not a currency`}; expected an ISO 4217 code or a known alias (e.g. BDT, USD, tk, $)` });
  } else {
    currency = normaliseCurrency(input.currency);
    if (!currency) issues.push({ path: 'currency', message: `"${input.currency}" is not an ISO 4217 currency or a known alias; expected e.g. BDT, USD, tk, $` });
  }
  const amount = checkAmount(input.amount, currency ? minorUnits(currency) : 4, o.maxAmount);
  if (!amount.ok) issues.push({ path: 'amount', message: amount.reason! });
  let source: string | undefined;
  if (input.source !== undefined) {
    const allowed = o.allowedSources.map(normaliseSource);
    source = typeof input.source === 'string' ? normaliseSource(input.source) : undefined;
    if (source === undefined || !allowed.includes(source)) {
      issues.push({ path: 'source', message: `${JSON.stringify(input.source)} is not an allowed source; expected one of ${allowed.join(', ')}` });
    }
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, amount: amount.value!, currency: currency!, ...(source !== undefined ? { source } : {}) };
}
