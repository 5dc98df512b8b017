import type { Db } from '../db/types.js';
import { ConfigError, DatabaseError } from '../errors.js';
import type { Finding, RuleMeta } from '../findings/finding.js';
import { checkAmount } from './amount.js';
import { minorUnits, normaliseCurrency } from './currency.js';
import type { StandardsOptions } from './money.js';
import { normaliseSource } from './source.js';

export const DATA_RULES: RuleMeta[] = [
  { id: 'data/currency', shortDescription: 'Currency is not an ISO 4217 code', fullDescription: 'The currency column must hold an upper-case ISO 4217 code.', help: 'Normalise legacy aliases in a data migration; fix unknown codes by hand.', defaultSeverity: 'error' },
  { id: 'data/amount', shortDescription: 'Amount breaks the standard', fullDescription: "Amounts are positive, within standards.maxAmount, with no more decimals than the currency's minor unit.", help: 'Correct the rows through the canonical writer (update).', defaultSeverity: 'error' },
  { id: 'data/source', shortDescription: 'Source is not an allowed, normalised source', fullDescription: 'The source column must be one of standards.allowedSources, lower-case and trimmed.', help: 'Normalise sources in a data migration, or add the source to standards.allowedSources.', defaultSeverity: 'error' },
];

const SAMPLES = 5;

export interface DataTable {
  table: string;
  schema: string;
  idColumn: string;
  amountColumn: string;
  currencyColumn: string;
  sourceColumn: string | null;
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/** Counts and samples of rows per rule, for every table in `standards.tables`; reads only. */
export async function scanData(db: Db, o: StandardsOptions & { tables: DataTable[] }): Promise<{ findings: Finding[]; stats: Record<string, number> }> {
  if (!o.tables.length) {
    throw new ConfigError('standards.tables: no table to scan', {
      hint: 'Name the tables that hold money in finbrain.config.json, e.g. "standards": { "tables": [{ "table": "payments", "amountColumn": "amount", "currencyColumn": "currency" }] }.',
    });
  }
  const findings: Finding[] = [];
  const stats: Record<string, number> = { rows: 0, 'data/currency': 0, 'data/amount': 0, 'data/source': 0 };
  const allowed = new Set(o.allowedSources.map(normaliseSource));
  for (const t of o.tables) {
    const label = `${t.schema}.${t.table}`;
    let rows: { id: string; amount: string; currency: string; source: string | null }[];
    try {
      rows = (
        await db.query<{ id: string; amount: string; currency: string; source: string | null }>(
          `SELECT ${q(t.idColumn)}::text AS id, ${q(t.amountColumn)}::text AS amount, ${q(t.currencyColumn)}::text AS currency, ${t.sourceColumn ? `${q(t.sourceColumn)}::text` : 'NULL::text'} AS source FROM ${q(t.schema)}.${q(t.table)} ORDER BY 1`,
        )
      ).rows;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === '42P01' || code === '42703' || code === '3F000') {
        throw new DatabaseError(`standards.tables: cannot read ${label} in ${db.label}: ${(e as Error).message}`, {
          cause: e,
          hint: 'Check the table and column names in standards.tables, run `finbrain migrate up`, or point DATABASE_URL at the application database.',
        });
      }
      throw e;
    }
    const bad: Record<string, { id: string; why: string }[]> = { 'data/currency': [], 'data/amount': [], 'data/source': [] };
    for (const r of rows) {
      const code = r.currency.trim();
      if (normaliseCurrency(code) !== code) bad['data/currency']!.push({ id: r.id, why: `currency "${r.currency}"` });
      const iso = normaliseCurrency(code);
      const amount = checkAmount(r.amount, iso ? minorUnits(iso) : 2, o.maxAmount);
      if (!amount.ok) bad['data/amount']!.push({ id: r.id, why: `amount ${amount.reason}` });
      if (t.sourceColumn && (r.source === null || !allowed.has(r.source))) bad['data/source']!.push({ id: r.id, why: `source "${r.source}"` });
    }
    stats.rows! += rows.length;
    for (const [ruleId, list] of Object.entries(bad)) {
      stats[ruleId]! += list.length;
      if (!list.length) continue;
      findings.push({
        ruleId,
        severity: 'error' as const,
        file: label,
        line: 1,
        column: 1,
        count: list.length,
        samples: list.slice(0, SAMPLES),
        message: `${list.length} row(s) of ${label} break the standard, e.g. ${list
          .slice(0, SAMPLES)
          .map((s) => `${t.idColumn} ${s.id}: ${s.why}`)
          .join('; ')}`,
        hint: DATA_RULES.find((d) => d.id === ruleId)!.help,
      });
    }
  }
  return { findings, stats };
}
