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

function idText(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') return undefined;
  const text = String(v).trim();
  return /^[1-9]\d{0,18}$/.test(text) ? text : undefined;
}

/**
 * The data standards as one zod schema: currency to ISO 4217 (aliases
 * accepted), amount as an exact decimal within the currency's minor unit and
 * standards.maxAmount, source among standards.allowedSources.
 */
export function createExpenseSchema(standards: StandardsConfig = DEFAULT_STANDARDS) {
  // Every field is checked inside one transform so that all wrong fields are reported together.
  return z
    .object({
      userId: z.unknown().optional(),
      categoryId: z.unknown().optional(),
      amount: z.unknown().optional(),
      currency: z.unknown().optional(),
      description: z.unknown().optional(),
      source: z.unknown().optional(),
      occurredAt: z.unknown().optional(),
    })
    .transform((v, ctx): NormalizedExpense => {
      let bad = false;
      const issue = (field: string, message: string) => {
        bad = true;
        ctx.addIssue({ code: 'custom', path: [field], message });
      };
      const show = (x: unknown) => (x === undefined ? 'nothing' : JSON.stringify(x) ?? String(x));
      const userId = idText(v.userId);
      if (v.userId === undefined || v.userId === null) issue('userId', 'is required');
      else if (!userId) issue('userId', `must be a positive integer id, got ${show(v.userId)}`);
      const categoryId = v.categoryId == null ? null : idText(v.categoryId);
      if (categoryId === undefined) issue('categoryId', `must be a positive integer id or null, got ${show(v.categoryId)}`);
      if (v.description != null && (typeof v.description !== 'string' || v.description.length > 1000)) {
        issue('description', typeof v.description !== 'string' ? `must be text, got ${typeof v.description}` : 'must be at most 1000 characters');
      }
      let occurredAt: Date | null = null;
      if (v.occurredAt != null) {
        occurredAt = v.occurredAt instanceof Date ? v.occurredAt : typeof v.occurredAt === 'string' ? new Date(v.occurredAt) : new Date(NaN);
        if (Number.isNaN(occurredAt.getTime())) issue('occurredAt', `must be a Date or ISO timestamp, got ${show(v.occurredAt)}`);
      }
      const currencyInput = v.currency ?? 'BDT';
      const sourceInput = v.source ?? 'chat';
      const currency = typeof currencyInput === 'string' ? normalizeCurrency(currencyInput) : undefined;
      if (!currency) {
        issue(
          'currency',
          `unknown currency ${show(currencyInput)}; use an ISO 4217 code (BDT, USD, EUR) or a known alias (tk, taka, ৳, $, €, £, ₹)`,
        );
      }
      const amount = normalizeAmount(v.amount, currency ? currencyMinorUnit(currency) : 2, standards.maxAmount);
      if (!amount.ok) issue('amount', amount.message);
      const source = typeof sourceInput === 'string' ? normalizeSource(sourceInput, standards.allowedSources) : undefined;
      if (!source) {
        issue('source', `${show(sourceInput)} is not an allowed source; allowed: ${standards.allowedSources.join(', ')} (standards.allowedSources)`);
      }
      if (!userId || categoryId === undefined || !currency || !amount.ok || !source || bad) return z.NEVER;
      return {
        userId,
        categoryId,
        amount: amount.value,
        currency,
        description: (v.description as string | null | undefined) ?? null,
        source,
        occurredAt,
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
