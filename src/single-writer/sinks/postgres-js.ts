import { ts } from '../../ts-analysis/typescript.js';
import { constValue, unwrapExpression } from '../../ts-analysis/const-value.js';
import { HOLE, isSqlShaped, piecesToText, type Piece } from '../../ts-analysis/fold.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import { lastName, type Origin } from '../../ts-analysis/origin.js';
import { constString, DB_NAMES, foldSql, type SinkContext, type SinkModel } from '../sink-model.js';

/**
 * postgres.js, @vercel/postgres and Neon's `neon()`: the `sql` tag executes
 * (unlike drizzle's, kysely's or slonik's fragments); `sql.unsafe(text)`,
 * `sql.begin(async (sql) => …)`, `sql.file(path)`. The helpers inside a
 * statement fold: `${sql('expenses')}` is an identifier, `${sql(row, 'a')}`
 * a column list with values (or `a = $n` after SET), a nested `sql` fragment
 * its own text.
 */
const FRAGMENT_PACKAGES = /^(drizzle-orm(\/.*)?|kysely|slonik|@prisma\/client(\/.*)?|\.prisma\/client|sql-template-strings|sql-template-tag|@databases\/pg|@databases\/sql)$/;

/** Is this a postgres.js-style executing tag (or function)? */
export function postgresJsConfidence(o: Origin): 'traced' | 'heuristic' | undefined {
  if (o.root.k === 'package') {
    const { pkg, name } = o.root;
    if (pkg === 'postgres') return o.steps.some((s) => s.k === 'call' || s.k === 'cb' || s.k === 'typed') ? 'traced' : undefined;
    if (pkg === '@vercel/postgres') return name === 'sql' || name === 'db' || o.steps.some((s) => s.k === 'get' && s.name === 'sql') || o.steps.some((s) => s.k === 'call') ? 'traced' : undefined;
    if (pkg === '@neondatabase/serverless') return name === 'neon' && o.steps[0]?.k === 'call' ? 'traced' : undefined;
    if (FRAGMENT_PACKAGES.test(pkg)) return undefined;
  }
  if (o.root.k === 'unknown' || o.root.k === 'package') {
    const n = lastName(o) ?? '';
    return n === 'sql' || DB_NAMES.test(n) ? 'heuristic' : undefined;
  }
  return undefined;
}

function sameTag(expr: ts.Expression, ctx: SinkContext, mod: ModuleInfo): boolean {
  return postgresJsConfidence(ctx.tracer.of(expr, mod)) === 'traced';
}

/** The pieces of a postgres.js template, with its helpers folded. */
export function postgresJsPieces(tpl: ts.TemplateLiteral, ctx: SinkContext, mod: ModuleInfo): Piece[] {
  if (ts.isNoSubstitutionTemplateLiteral(tpl)) return [tpl.text];
  const out: Piece[] = [tpl.head.text];
  const before = () => out.filter((p) => p !== HOLE).join('');
  for (const span of tpl.templateSpans) {
    out.push(...spanPieces(span.expression, before(), ctx, mod), span.literal.text);
  }
  return out;
}

function spanPieces(expr: ts.Expression, before: string, ctx: SinkContext, mod: ModuleInfo): Piece[] {
  let e = unwrapExpression(expr);
  // const where = sql`…`: a fragment held in a constant.
  if (ts.isIdentifier(e)) {
    const v = constValue(e, mod, ctx.index);
    if (v?.kind === 'expr' && ts.isTaggedTemplateExpression(unwrapExpression(v.expr))) {
      const t = unwrapExpression(v.expr) as ts.TaggedTemplateExpression;
      if (sameTag(t.tag, ctx, v.module)) return postgresJsPieces(t.template, ctx, v.module);
    }
    e = unwrapExpression(expr);
  }
  if (ts.isTaggedTemplateExpression(e) && sameTag(e.tag, ctx, mod)) {
    ctx.consume(e);
    return postgresJsPieces(e.template, ctx, mod);
  }
  if (ts.isCallExpression(e)) {
    const callee = unwrapExpression(e.expression);
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'unsafe' && sameTag(callee.expression, ctx, mod) && e.arguments[0]) {
      const f = foldSql(e.arguments[0], ctx, mod);
      return f.unknown ? [HOLE] : [f.text];
    }
    if (sameTag(callee, ctx, mod)) {
      const name = e.arguments.length === 1 ? constString(e.arguments[0], ctx, mod) : undefined;
      if (name !== undefined) return [name.split('.').map((p) => `"${p}"`).join('.')];
      const tail = before.trimEnd();
      if (/\binsert\s+into\s+[\w."]+(\s+as\s+\w+)?$/i.test(tail)) return ['("fb_columns") values (', HOLE, ')'];
      if (/\bset$/i.test(tail)) return ['"fb_columns" = ', HOLE];
      if (/\bin$/i.test(tail)) return ['(', HOLE, ')'];
      return [HOLE];
    }
  }
  return [HOLE];
}

export const postgresJsModel: SinkModel = {
  id: 'postgres.js',
  tagged: true,
  methods: ['unsafe', 'file'],
  tag(node, ctx) {
    const o = ctx.tracer.of(node.tag, ctx.mod);
    const confidence = postgresJsConfidence(o);
    if (!confidence) return undefined;
    const sql = piecesToText(postgresJsPieces(node.template, ctx, ctx.mod));
    // `sql\`where id = ${id}\`` is a fragment to be interpolated elsewhere (postgres.js runs only what is awaited).
    if (!sql.unknown && !isSqlShaped(sql.text)) return undefined;
    return [{ kind: 'sql', node, via: `${lastName(o) ?? 'sql'}\`…\``, sql, dbReceiver: true, library: 'postgres.js', heuristic: confidence === 'heuristic' }];
  },
  call(site, ctx) {
    if (!site.receiver || !site.args[0]) return undefined;
    const o = ctx.tracer.of(site.receiver, ctx.mod);
    const confidence = postgresJsConfidence(o);
    if (confidence !== 'traced') return undefined;
    if (site.method === 'file') {
      const text = ctx.facts.readSqlFile(site.args[0], ctx.mod);
      return [{ kind: 'sql', node: site.node, via: 'sql.file()', sql: text, dbReceiver: true, library: 'postgres.js' }];
    }
    return [{ kind: 'sql', node: site.node, via: 'sql.unsafe()', sql: foldSql(site.args[0], ctx), dbReceiver: true, library: 'postgres.js' }];
  },
};
