import { ts } from './typescript.js';
import type { ModuleIndex, ModuleInfo } from './module-index.js';
import { constValue, unwrapExpression } from './const-value.js';

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

export const HOLE = '\u0000';
/** A hole that certainly stands where a name goes (an identifier helper with a dynamic argument). */
export const NAME_HOLE = '\u0001';
export const NAME_PLACEHOLDER_PREFIX = 'fb_dynamic_';
const NAME_KEYWORDS = /\b(from|into|update|join|table|only|truncate|copy|using|merge into|exists|on)\s*$/i;

export type Piece = string;

/**
 * Library knowledge plugged into folding: SQL-building helpers (`sql.raw`,
 * `sql.identifier`, nested fragments) turn into the pieces they produce.
 */
export interface FoldHooks {
  /** Pieces for a call or tagged template, or undefined when the hook does not know it. */
  fold?(node: ts.Expression, mod: ModuleInfo, fold: (e: ts.Expression, m: ModuleInfo) => Piece[]): Piece[] | undefined;
}

interface FoldContext {
  index: ModuleIndex;
  depth: number;
  seen: Set<ts.Node>;
  hooks?: FoldHooks;
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
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr) || ts.isNonNullExpression(expr) || ts.isTypeAssertionExpression(expr)) {
      return foldPieces(expr.expression, mod, ctx);
    }
    if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return [...foldPieces(expr.left, mod, ctx), ...foldPieces(expr.right, mod, ctx)];
    }
    if (ctx.hooks?.fold && (ts.isCallExpression(expr) || ts.isTaggedTemplateExpression(expr) || ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr))) {
      const hooked = ctx.hooks.fold(expr, mod, (e, m) => foldPieces(e, m, ctx));
      if (hooked) return hooked;
    }
    if (ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr) || ts.isElementAccessExpression(expr)) {
      const v = constValue(expr, mod, ctx.index);
      if (v?.kind === 'expr' && v.expr !== expr) return foldPieces(v.expr, v.module, ctx);
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
    ctx.seen.delete(expr);
  }
}

function unwrapArray(expr: ts.Expression, mod: ModuleInfo, ctx: FoldContext): { elements: ts.NodeArray<ts.Expression>; module: ModuleInfo } | undefined {
  const v = constValue(expr, mod, ctx.index);
  if (v?.kind !== 'expr') return undefined;
  const e = unwrapExpression(v.expr);
  return ts.isArrayLiteralExpression(e) ? { elements: e.elements, module: v.module } : undefined;
}

/** Joins pieces, choosing a placeholder for each hole from its surroundings. */
export function piecesToText(pieces: Piece[], paramStart = 1): FoldedText {
  let text = '';
  let holes = 0;
  let param = paramStart;
  const namePlaceholders: string[] = [];
  const known = pieces.some((p) => p !== HOLE && p !== NAME_HOLE && p.trim() !== '');
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (p === NAME_HOLE) {
      holes++;
      const name = `${NAME_PLACEHOLDER_PREFIX}${holes}`;
      namePlaceholders.push(name);
      text += name;
      continue;
    }
    if (p !== HOLE) {
      text += p;
      continue;
    }
    holes++;
    const next = pieces.slice(i + 1).find((x) => x !== HOLE && x !== NAME_HOLE);
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

export function foldExpression(expr: ts.Expression, mod: ModuleInfo, index: ModuleIndex, hooks?: FoldHooks): FoldedText {
  return piecesToText(foldPieces(expr, mod, { index, depth: 0, seen: new Set(), hooks }));
}

/** The pieces of an expression, for hooks that assemble SQL from several parts. */
export function foldToPieces(expr: ts.Expression, mod: ModuleInfo, index: ModuleIndex, hooks?: FoldHooks): Piece[] {
  return foldPieces(expr, mod, { index, depth: 0, seen: new Set(), hooks });
}

/** A tagged template's substitutions are parameters (or names, by position). */
export function foldTaggedTemplate(tpl: ts.TemplateLiteral, spans?: (e: ts.Expression) => Piece[]): FoldedText {
  if (spans) return piecesToText(templatePieces(tpl, spans));
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

/** A template's text with each substitution replaced by what `span` makes of it. */
export function templatePieces(tpl: ts.TemplateLiteral, span: (e: ts.Expression) => Piece[]): Piece[] {
  if (ts.isNoSubstitutionTemplateLiteral(tpl)) return [tpl.text];
  const pieces: Piece[] = [tpl.head.text];
  for (const s of tpl.templateSpans) pieces.push(...span(s.expression), s.literal.text);
  return pieces;
}
