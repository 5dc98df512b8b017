import { ts } from './typescript.js';
import { CONST_DECLARATIONS, type ModuleIndex, type ModuleInfo } from './module-index.js';

/**
 * Constant folding of SQL text. Unresolvable parts become placeholders that fit
 * their position: an identifier where a name stands (`${schema}.expenses`,
 * `FROM ${t}`), a `$n` parameter elsewhere, so the rest still parses.
 */
export interface FoldedText {
  text: string;
  /** No placeholder was needed. */
  constant: boolean;
  /** Nothing at all could be resolved (the whole value is dynamic). */
  unknown: boolean;
  /** Placeholder identifiers that stand in name positions. */
  namePlaceholders: string[];
}

const HOLE = '\u0000';
export const NAME_PLACEHOLDER_PREFIX = 'fb_dynamic_';
const NAME_KEYWORDS = /\b(from|into|update|join|table|only|truncate|copy|using|merge into|exists|on)\s*$/i;

type Piece = string | typeof HOLE;

interface FoldContext {
  index: ModuleIndex;
  depth: number;
  seen: Set<ts.Node>;
}

function foldPieces(expr: ts.Expression, mod: ModuleInfo, ctx: FoldContext): Piece[] {
  if (ctx.depth > 40 || ctx.seen.has(expr)) return [HOLE];
  ctx.depth++;
  ctx.seen.add(expr);
  try {
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text];
    if (ts.isNumericLiteral(expr)) return [expr.text];
    if (ts.isTemplateExpression(expr)) {
      const out: Piece[] = [expr.head.text];
      for (const span of expr.templateSpans) {
        out.push(...foldPieces(span.expression, mod, ctx));
        out.push(span.literal.text);
      }
      return out;
    }
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr) || ts.isNonNullExpression(expr)) {
      return foldPieces(expr.expression, mod, ctx);
    }
    if (ts.isTypeAssertionExpression(expr)) return foldPieces(expr.expression, mod, ctx);
    if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return [...foldPieces(expr.left, mod, ctx), ...foldPieces(expr.right, mod, ctx)];
    }
    if (ts.isIdentifier(expr)) {
      const resolved = ctx.index.resolveLocal(mod, expr.text);
      const d = resolved?.declaration;
      if (d && ts.isIdentifier(d.name) && d.initializer && isConst(d)) return foldPieces(d.initializer, resolved.module, ctx);
      return [HOLE];
    }
    // [a, b].join(sep)
    if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression) && expr.expression.name.text === 'join') {
      const arr = unwrapArray(expr.expression.expression, mod, ctx);
      if (arr) {
        const sep = expr.arguments[0] ? foldPieces(expr.arguments[0], mod, ctx) : [','];
        const out: Piece[] = [];
        arr.elements.forEach((el, i) => {
          if (i) out.push(...sep);
          out.push(...(ts.isSpreadElement(el) ? [HOLE] : foldPieces(el, arr.module, ctx)));
        });
        return out;
      }
    }
    return [HOLE];
  } finally {
    ctx.depth--;
  }
}

function unwrapArray(expr: ts.Expression, mod: ModuleInfo, ctx: FoldContext): { elements: ts.NodeArray<ts.Expression>; module: ModuleInfo } | undefined {
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  if (ts.isArrayLiteralExpression(e)) return { elements: e.elements, module: mod };
  if (ts.isIdentifier(e)) {
    const r = ctx.index.resolveLocal(mod, e.text);
    if (r?.declaration?.initializer && isConst(r.declaration)) return unwrapArray(r.declaration.initializer, r.module, ctx);
  }
  return undefined;
}

export function isConst(d: ts.VariableDeclaration): boolean {
  return CONST_DECLARATIONS.has(d);
}

/** Joins pieces, choosing a placeholder for each hole from its surroundings. */
export function piecesToText(pieces: Piece[], paramStart = 1): FoldedText {
  let text = '';
  let holes = 0;
  let param = paramStart;
  const namePlaceholders: string[] = [];
  const known = pieces.some((p) => p !== HOLE && p.trim() !== '');
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (p !== HOLE) {
      text += p;
      continue;
    }
    holes++;
    const next = pieces.slice(i + 1).find((x) => x !== HOLE) as string | undefined;
    const nameLike = text.endsWith('.') || next?.startsWith('.') || NAME_KEYWORDS.test(text) || /"\s*$/.test(text);
    if (nameLike) {
      const name = `${NAME_PLACEHOLDER_PREFIX}${holes}`;
      namePlaceholders.push(name);
      text += name;
    } else {
      text += `$${param++}`;
    }
  }
  return { text, constant: holes === 0, unknown: !known, namePlaceholders };
}

export function foldExpression(expr: ts.Expression, mod: ModuleInfo, index: ModuleIndex): FoldedText {
  return piecesToText(foldPieces(expr, mod, { index, depth: 0, seen: new Set() }));
}

/** A tagged template's substitutions are parameters (or names, by position). */
export function foldTaggedTemplate(tpl: ts.TemplateLiteral): FoldedText {
  if (ts.isNoSubstitutionTemplateLiteral(tpl)) return piecesToText([tpl.text]);
  const pieces: Piece[] = [tpl.head.text];
  for (const span of tpl.templateSpans) pieces.push(HOLE, span.literal.text);
  return piecesToText(pieces);
}

const SQL_SHAPE = /^\s*(\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*(select|insert|update|delete|with|merge|truncate|copy|create|alter|drop|begin|commit|rollback|set|grant|revoke|lock|call|do|values|explain|vacuum|analyze|refresh|comment|reindex|cluster|listen|notify)\b/i;

/** Text that looks like SQL: what makes an otherwise unknown `.query(...)` a database sink. */
export function isSqlShaped(text: string): boolean {
  return SQL_SHAPE.test(text);
}
