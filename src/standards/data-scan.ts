import type { Db } from '../db/types.js';
import { DatabaseError } from '../errors.js';
import type { Finding, RuleMeta } from '../findings/finding.js';
import { checkAmount } from './amount.js';
import { minorUnits, normaliseCurrency } from './currency.js';
import { normaliseSource, type StandardsOptions } from './expense.js';

export const DATA_RULES: RuleMeta[] = [
  { id: 'data/currency', shortDescription: 'Currency is not an ISO 4217 code', fullDescription: 'expenses.currency must be an upper-case ISO 4217 code.', help: 'Run the normalise_legacy_expenses migration; fix unknown codes by hand.', defaultSeverity: 'error' },
  { id: 'data/amount', shortDescription: 'Amount breaks the standard', fullDescription: "Amounts are positive, within standards.maxAmount, with no more decimals than the currency's minor unit.", help: 'Correct the rows through the canonical writer (update).', defaultSeverity: 'error' },
  { id: 'data/source', shortDescription: 'Source is not an allowed, normalised source', fullDescription: 'expenses.source must be one of standards.allowedSources, lower-case and trimmed.', help: 'Run the normalise_legacy_expenses migration, or add the source to standards.allowedSources.', defaultSeverity: 'error' },
];

const SAMPLES = 5;

/** Counts and samples of rows per rule; reads only. */
export async function scanExpenseData(db: Db, o: StandardsOptions): Promise<{ findings: Finding[]; stats: Record<string, number> }> {
  let rows: { id: string; amount: string; currency: string; source: string }[];
  try {
    rows = (await db.query<{ id: string; amount: string; currency: string; source: string }>('SELECT id::text, amount::text, currency, source FROM expenses ORDER BY id')).rows;
  } catch (e) {
    if ((e as { code?: string }).code === '42P01') throw new DatabaseError(`no expenses table in ${db.label}`, { cause: e, hint: 'Run `finbrain migrate up` first, or point DATABASE_URL at the application database.' });
    throw e;
  }
  const allowed = new Set(o.allowedSources.map(normaliseSource));
  const bad: Record<string, { id: string; why: string }[]> = { 'data/currency': [], 'data/amount': [], 'data/source': [] };
  for (const r of rows) {
    const code = r.currency.trim();
    if (normaliseCurrency(code) !== code) bad['data/currency']!.push({ id: r.id, why: `currency "${r.currency}"` });
    const iso = normaliseCurrency(code);
    const amount = checkAmount(r.amount, iso ? minorUnits(iso) : 2, o.maxAmount);
    if (!amount.ok) bad['data/amount']!.push({ id: r.id, why: `amount ${r.amount} ${amount.reason}` });
    if (!allowed.has(r.source)) bad['data/source']!.push({ id: r.id, why: `source "${r.source}"` });
  }
  const findings: Finding[] = Object.entries(bad)
    .filter(([, list]) => list.length)
    .map(([ruleId, list]) => ({
      ruleId,
      severity: 'error' as const,
      file: 'expenses',
      line: 1,
      column: 1,
      count: list.length,
      samples: list.slice(0, SAMPLES),
      message: `${list.length} row(s) break the standard, e.g. ${list
        .slice(0, SAMPLES)
        .map((s) => `id ${s.id}: ${s.why}`)
        .join('; ')}`,
      hint: DATA_RULES.find((d) => d.id === ruleId)!.help,
    }));
  return { findings, stats: { rows: rows.length, ...Object.fromEntries(Object.entries(bad).map(([k, v]) => [k, v.length])) } };
}
