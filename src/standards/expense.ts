import { z } from 'zod';
import { checkAmount } from './amount.js';
import { minorUnits, normaliseCurrency } from './currency.js';

export interface StandardsOptions {
  allowedSources: string[];
  maxAmount: string;
}

export const DEFAULT_STANDARDS: StandardsOptions = { allowedSources: ['chat', 'form', 'api', 'import'], maxAmount: '1000000000' };

/** Source: trimmed, lower-cased, inner whitespace collapsed, and one of the allowed sources. */
export function normaliseSource(input: string): string {
  return input.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * The data standards for an expense: currency to ISO 4217, amount to a
 * decimal string within the currency's minor unit, source to an allowed one.
 * Every error names the field and says why.
 */
export function expenseInputSchema(o: StandardsOptions = DEFAULT_STANDARDS) {
  const sources = new Set(o.allowedSources.map(normaliseSource));
  return z
    .object({
      userId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String),
      amount: z.union([z.string(), z.number(), z.bigint()]),
      currency: z.string({ error: 'currency: required' }),
      source: z.string().default('chat'),
      description: z.string().max(1000).optional(),
      categoryId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String).optional(),
      occurredAt: z.coerce.date().optional(),
      idempotencyKey: z.string().min(8, 'must be at least 8 characters').max(200).optional(),
    })
    .transform((v, ctx) => {
      const currency = normaliseCurrency(v.currency);
      if (!currency) {
        ctx.addIssue({ code: 'custom', path: ['currency'], message: `"${v.currency}" is not an ISO 4217 currency or a known alias (e.g. BDT, USD, tk, $)` });
        return z.NEVER;
      }
      const amount = checkAmount(v.amount, minorUnits(currency), o.maxAmount);
      if (!amount.ok) {
        ctx.addIssue({ code: 'custom', path: ['amount'], message: `${JSON.stringify(String(v.amount))} ${amount.reason}` });
        return z.NEVER;
      }
      const source = normaliseSource(v.source);
      if (!sources.has(source)) {
        ctx.addIssue({ code: 'custom', path: ['source'], message: `"${v.source}" is not an allowed source (${[...sources].join(', ')})` });
        return z.NEVER;
      }
      return { ...v, currency, amount: amount.value!, source };
    });
}

export type ExpenseInput = z.input<ReturnType<typeof expenseInputSchema>>;
export type Expense = z.output<ReturnType<typeof expenseInputSchema>>;
