import { z } from 'zod';
import type { FinbrainConfig } from '../config/schema.js';
import { normalizeAmount } from './amount.js';
import { currencyMinorUnit, normalizeCurrency } from './currency.js';
import { normalizeSource } from './source.js';
import { StandardsValidationError, type FieldIssue } from './validation-error.js';

export type StandardsConfig = FinbrainConfig['standards'];

export const DEFAULT_STANDARDS: StandardsConfig = { allowedSources: ['chat', 'form', 'api', 'import'], maxAmount: '1000000000' };

/** An expense as the canonical writer stores it: amount is a decimal string. */
export interface NormalizedExpense {
  userId: string;
  categoryId: string | null;
  amount: string;
  currency: string;
  description: string | null;
  source: string;
  occurredAt: Date | null;
}

export type ExpenseInput = z.input<ReturnType<typeof createExpenseSchema>>;

const id = (field: string) =>
  z.union([z.string(), z.number(), z.bigint()]).transform((v, ctx) => {
    const text = String(v).trim();
    if (!/^[1-9]\d{0,18}$/.test(text)) {
      ctx.addIssue({ code: 'custom', message: `must be a positive integer id, got ${JSON.stringify(String(v))}` });
      return z.NEVER;
    }
    return text;
  }).describe(field);

/**
 * The data standards as one zod schema: currency to ISO 4217 (aliases
 * accepted), amount as an exact decimal within the currency's minor unit and
 * standards.maxAmount, source among standards.allowedSources.
 */
export function createExpenseSchema(standards: StandardsConfig = DEFAULT_STANDARDS) {
  return z
    .object({
      userId: id('userId'),
      categoryId: id('categoryId').nullish(),
      amount: z.unknown(),
      currency: z.string({ error: 'must be a currency code or symbol such as BDT, tk or $' }).default('BDT'),
      description: z.string().max(1000, 'must be at most 1000 characters').nullish(),
      source: z.string({ error: `must be one of ${standards.allowedSources.join(', ')}` }).default('chat'),
      occurredAt: z.coerce.date({ error: 'must be a date or ISO timestamp' }).nullish(),
    })
    .transform((v, ctx): NormalizedExpense => {
      const currency = normalizeCurrency(v.currency);
      if (!currency) {
        ctx.addIssue({
          code: 'custom',
          path: ['currency'],
          message: `unknown currency ${JSON.stringify(v.currency)}; use an ISO 4217 code (BDT, USD, EUR) or a known alias (tk, taka, ৳, $, €, £, ₹)`,
        });
      }
      const amount = normalizeAmount(v.amount, currency ? currencyMinorUnit(currency) : 2, standards.maxAmount);
      if (!amount.ok) ctx.addIssue({ code: 'custom', path: ['amount'], message: amount.message });
      const source = normalizeSource(v.source, standards.allowedSources);
      if (!source) {
        ctx.addIssue({
          code: 'custom',
          path: ['source'],
          message: `${JSON.stringify(v.source)} is not an allowed source; allowed: ${standards.allowedSources.join(', ')} (standards.allowedSources)`,
        });
      }
      if (!currency || !amount.ok || !source) return z.NEVER;
      return {
        userId: v.userId,
        categoryId: v.categoryId ?? null,
        amount: amount.value,
        currency,
        description: v.description ?? null,
        source,
        occurredAt: v.occurredAt ?? null,
      };
    });
}

/** Validates and normalises, or throws StandardsValidationError naming each field. */
export function validateExpense(input: unknown, standards?: StandardsConfig, fieldPrefix = ''): NormalizedExpense {
  const r = createExpenseSchema(standards).safeParse(input);
  if (r.success) return r.data;
  throw new StandardsValidationError(toIssues(r.error, fieldPrefix));
}

export function toIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((i) => ({
    field: prefix + (i.path.length ? i.path.map(String).join('.') : '(input)'),
    message: i.code === 'invalid_type' && i.input === undefined ? 'is required' : i.message,
  }));
}
