import { z } from 'zod';
import { DEFAULT_STANDARDS, moneyInput, type StandardsOptions } from 'finbrain';

/**
 * FinBrain's expense, checked against the tool's generic data standards
 * (currency, amount, source) plus its own fields. Every message names the
 * field and says what is expected.
 */
const positiveId = (what: string) => {
  const error = `expected the id of an existing ${what} (a positive whole number)`;
  return z.union([z.number({ error }).int({ error }).positive({ error }), z.string({ error }).regex(/^[1-9]\d*$/, { error })], { error }).transform(String);
};

export function expenseInputSchema(o: StandardsOptions = DEFAULT_STANDARDS) {
  return z
    .object({
      userId: positiveId('user'),
      amount: z.unknown(),
      currency: z.unknown(),
      source: z.string({ error: 'expected a source such as "chat"' }).default('chat'),
      description: z.string({ error: 'expected text' }).max(1000, 'expected at most 1000 characters').optional(),
      categoryId: positiveId('category').optional(),
      occurredAt: z.coerce.date({ error: 'expected a date and time (ISO 8601, e.g. 2026-01-31T12:00:00Z)' }).optional(),
      idempotencyKey: z.string({ error: 'expected text' }).min(8, 'expected at least 8 characters').max(200, 'expected at most 200 characters').optional(),
    })
    .transform((v, ctx) => {
      const money = moneyInput({ amount: v.amount, currency: v.currency, source: v.source }, o);
      if (!money.ok) {
        for (const i of money.issues) ctx.addIssue({ code: 'custom', path: [i.path], message: i.message });
        return z.NEVER;
      }
      return { ...v, amount: money.amount, currency: money.currency, source: money.source! };
    });
}

export type ExpenseInput = z.input<ReturnType<typeof expenseInputSchema>>;
export type Expense = z.output<ReturnType<typeof expenseInputSchema>>;
