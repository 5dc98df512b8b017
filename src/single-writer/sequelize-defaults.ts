import { ts } from '../ts-analysis/typescript.js';
import { constValue, ownProperty, unwrapExpression } from '../ts-analysis/const-value.js';
import { foldExpression } from '../ts-analysis/fold.js';
import type { ModuleIndex, ModuleInfo } from '../ts-analysis/module-index.js';

/**
 * `new Sequelize(url, { define: { freezeTableName: true } })`: options every model
 * of that connection inherits, which change its table's name (`freezeTableName`,
 * `underscored`), schema, or what `destroy()` does (`paranoid`). A model's own options win. Models are usually defined
 * in files that receive the connection as a parameter, so the connection is not
 * traced from the model: the run's `new Sequelize(…)` calls are read, and a
 * setting counts only when every one of them agrees on it.
 */
export interface SequelizeDefaults {
  freezeTableName?: boolean;
  underscored?: boolean;
  schema?: string;
  /** `paranoid`: `destroy()` sets `deletedAt` instead of deleting. */
  paranoid?: boolean;
  /** The files holding a `new Sequelize(…)`: what a table named with these defaults depends on. */
  files: readonly string[];
}

type Setting = 'freezeTableName' | 'underscored' | 'schema' | 'paranoid';
const SETTINGS: readonly Setting[] = ['freezeTableName', 'underscored', 'schema', 'paranoid'];

export function readSequelizeDefaults(index: ModuleIndex, files: readonly string[]): SequelizeDefaults {
  const seen: Partial<Record<Setting, boolean | string | null>>[] = [];
  const holding: string[] = [];
  for (const rel of files) {
    const mod = index.getIfMentions(rel, /Sequelize\s*\(/);
    if (!mod) continue;
    const before = seen.length;
    const visit = (n: ts.Node): void => {
      if (ts.isNewExpression(n) && isSequelizeName(n.expression)) seen.push(defineOptions(n, mod, index));
      ts.forEachChild(n, visit);
    };
    visit(mod.sourceFile);
    if (seen.length > before) holding.push(rel);
  }
  const out: SequelizeDefaults = { files: holding };
  for (const key of SETTINGS) {
    const values = new Set(seen.map((s) => s[key] ?? null));
    const [only] = values;
    if (values.size !== 1 || only === null || only === undefined) continue;
    if (key === 'schema' && typeof only === 'string') out.schema = only;
    else if (key !== 'schema' && typeof only === 'boolean') out[key] = only;
  }
  return out;
}

function isSequelizeName(e: ts.Expression): boolean {
  const c = unwrapExpression(e);
  return (ts.isIdentifier(c) && c.text === 'Sequelize') || (ts.isPropertyAccessExpression(c) && c.name.text === 'Sequelize');
}

/** The `define` settings of one construction; null for a setting it does not state (or states in a way not read here). */
function defineOptions(n: ts.NewExpression, mod: ModuleInfo, index: ModuleIndex): Partial<Record<Setting, boolean | string | null>> {
  // The options are the last argument, inline or a constant declared beside it (`new Sequelize(url, params)`).
  const options = [...(n.arguments ?? [])].reverse().map((a) => objectOf(a, mod, index)).find((o) => o !== undefined);
  const define = options && ownProperty(options.obj, 'define');
  const d = define && objectOf(define, options.mod, index);
  if (!d) return {};
  mod = d.mod;
  const obj = d.obj;
  const out: Partial<Record<Setting, boolean | string | null>> = {};
  for (const key of SETTINGS) {
    const v = ownProperty(obj, key);
    if (!v) continue;
    if (v.kind === ts.SyntaxKind.TrueKeyword || v.kind === ts.SyntaxKind.FalseKeyword) out[key] = v.kind === ts.SyntaxKind.TrueKeyword;
    else {
      const f = foldExpression(v, mod, index);
      out[key] = f.constant && !f.unknown ? f.text : null;
    }
  }
  return out;
}

function objectOf(e: ts.Expression, mod: ModuleInfo, index: ModuleIndex): { obj: ts.ObjectLiteralExpression; mod: ModuleInfo } | undefined {
  const v = constValue(e, mod, index);
  if (v?.kind !== 'expr') return undefined;
  const o = unwrapExpression(v.expr);
  return ts.isObjectLiteralExpression(o) ? { obj: o, mod: v.module } : undefined;
}
