import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { ts } from '../ts-analysis/typescript.js';
import { constValue, ownProperty, unwrapExpression } from '../ts-analysis/const-value.js';
import { foldExpression, type FoldedText } from '../ts-analysis/fold.js';
import type { ModuleIndex, ModuleInfo } from '../ts-analysis/module-index.js';
import { pluralize, underscore } from './inflect.js';
import { readSequelizeDefaults, type SequelizeDefaults } from './sequelize-defaults.js';
import { loadPrisma, prismaOutputs, type PrismaFacts } from './prisma-schema.js';

export type { PrismaFacts, PrismaModel } from './prisma-schema.js';

/**
 * What the ORMs' own declarations say about tables: Prisma models from
 * schema.prisma (`@@map`, `@@schema`, relations), and entity classes'
 * tables (TypeORM and MikroORM `@Entity`, Sequelize `Model.init`/`@Table`),
 * with each ORM's default naming when no name is given.
 */

function decoratorsOf(node: ts.Node): readonly ts.Decorator[] {
  return (ts.canHaveDecorators(node) ? ts.getDecorators(node) : undefined) ?? [];
}

/**
 * `@Name(args)` on a class or member, by decorator name: the name it is imported as, so that
 * `import { Entity as TypeEntity } from 'typeorm'` makes `@TypeEntity(…)` an `@Entity`.
 */
export function decorator(node: ts.Node, name: RegExp, mod?: ModuleInfo): ts.CallExpression | undefined {
  for (const d of decoratorsOf(node)) {
    const e = d.expression;
    if (ts.isCallExpression(e)) {
      const c = unwrapExpression(e.expression);
      const local = ts.isIdentifier(c) ? c.text : ts.isPropertyAccessExpression(c) ? c.name.text : '';
      const imported = ts.isIdentifier(c) ? mod?.imports.get(local)?.imported : undefined;
      if (name.test(imported && imported !== 'default' && imported !== '*' ? imported : local)) return e;
    }
  }
  return undefined;
}

export class OrmFacts {
  private prismaFacts?: PrismaFacts;
  private readonly tables = new Map<ts.Node, string | null>();

  private sequelizeDefaultsRead?: SequelizeDefaults;

  constructor(
    readonly index: ModuleIndex,
    /** The run's files, for settings a whole project shares (Sequelize's `define` defaults). */
    private readonly projectFiles: () => readonly string[] = () => [],
  ) {
    const ws = index.resolver.workspace;
    // Generated folders are not in a fresh checkout: the client is Prisma's client, other generators' output is generated code.
    for (const g of prismaOutputs(ws.prismaSchemas)) index.resolver.addVirtualPackage(g.dir, g.client ? '@prisma/client' : `generated:${g.provider}`);
  }

  get prisma(): PrismaFacts {
    return (this.prismaFacts ??= loadPrisma(this.index.resolver.workspace.prismaSchemas));
  }

  private str(expr: ts.Expression | undefined, mod: ModuleInfo): string | undefined {
    if (!expr) return undefined;
    const f = foldExpression(expr, mod, this.index);
    return f.constant && !f.unknown ? f.text : undefined;
  }

  private option(obj: ts.Expression | undefined, mod: ModuleInfo, key: string): string | undefined {
    if (!obj) return undefined;
    const v = constValue(obj, mod, this.index);
    if (v?.kind !== 'expr') return undefined;
    const o = unwrapExpression(v.expr);
    if (!ts.isObjectLiteralExpression(o)) return undefined;
    return this.str(ownProperty(o, key), v.module);
  }

  /** A `true`/`false` option; undefined when the object does not state it. */
  private optionFlag(obj: ts.Expression | undefined, mod: ModuleInfo, key: string): boolean | undefined {
    if (!obj) return undefined;
    const v = constValue(obj, mod, this.index);
    if (v?.kind !== 'expr') return undefined;
    const o = unwrapExpression(v.expr);
    const p = ts.isObjectLiteralExpression(o) ? ownProperty(o, key) : undefined;
    return p?.kind === ts.SyntaxKind.TrueKeyword ? true : p?.kind === ts.SyntaxKind.FalseKeyword ? false : undefined;
  }

  /** Read once per index; every table named with them depends on the files that state them. */
  private sequelizeDefaults(): SequelizeDefaults {
    const d = (this.sequelizeDefaultsRead ??= readSequelizeDefaults(this.index, this.projectFiles()));
    this.index.noteAccess(d.files);
    return d;
  }

  private qualify(table: string | undefined, schema: string | undefined): string | undefined {
    return table && schema ? `${schema}.${table}` : table;
  }

  /** TypeORM: `@Entity('t')`, `@Entity({ name, schema })`, `@Entity()` (snake_case of the class), `new EntitySchema({ name, tableName })`. */
  typeormTable(node: ts.Node, mod: ModuleInfo): string | undefined {
    return this.memo(node, () => {
      if (ts.isClassLike(node)) {
        const d = decorator(node, /^(Entity|ViewEntity|ChildEntity)$/, mod);
        if (!d) return undefined;
        const arg = d.arguments[0];
        if (arg && ts.isObjectLiteralExpression(unwrapExpression(arg))) return this.qualify(this.option(arg, mod, 'name'), this.option(arg, mod, 'schema')) ?? snake(node.name?.text);
        return this.str(arg, mod) ?? snake(node.name?.text);
      }
      const schemaArg = entitySchemaArg(node);
      if (schemaArg) return this.option(schemaArg, mod, 'tableName') ?? this.option(schemaArg, mod, 'name');
      return undefined;
    });
  }

  /** MikroORM: `@Entity({ tableName | collection, schema })`, `@Entity()` (underscored class name), `new EntitySchema`/`defineEntity({ name, tableName })`. */
  mikroTable(node: ts.Node, mod: ModuleInfo): string | undefined {
    return this.memo(node, () => {
      if (ts.isClassLike(node)) {
        const d = decorator(node, /^Entity$/, mod);
        if (!d) return undefined;
        const arg = d.arguments[0];
        return this.qualify(this.option(arg, mod, 'tableName') ?? this.option(arg, mod, 'collection'), this.option(arg, mod, 'schema')) ?? (node.name ? underscore(node.name.text) : undefined);
      }
      const schemaArg = entitySchemaArg(node);
      if (schemaArg) {
        const name = this.option(schemaArg, mod, 'name') ?? this.option(schemaArg, mod, 'className');
        return this.qualify(this.option(schemaArg, mod, 'tableName') ?? this.option(schemaArg, mod, 'collection') ?? (name ? underscore(name) : undefined), this.option(schemaArg, mod, 'schema'));
      }
      return undefined;
    });
  }

  /**
   * Sequelize: `Model.init(attrs, { tableName, schema, freezeTableName, underscored })` anywhere in the class's module,
   * `@Table({ tableName })` (sequelize-typescript), or a `sequelize.define(name, attrs, options)` call.
   * Without a name: the model name pluralised (and underscored when `underscored`), as Sequelize does.
   */
  sequelizeTable(node: ts.Node, mod: ModuleInfo): string | undefined {
    // Outside the memo: a file using a remembered table depends on the defaults as much as the first did.
    const defaults = this.sequelizeDefaults();
    return this.memo(node, () => {
      const decl = this.sequelizeDeclaration(node, mod);
      if (!decl) return undefined;
      const { modelName, options } = decl;
      const explicit = this.option(options, mod, 'tableName');
      const schema = this.option(options, mod, 'schema') ?? defaults.schema;
      if (explicit) return this.qualify(explicit, schema);
      if (!modelName) return undefined;
      const base = (this.optionFlag(options, mod, 'freezeTableName') ?? defaults.freezeTableName) ? modelName : pluralize(modelName);
      return this.qualify((this.optionFlag(options, mod, 'underscored') ?? defaults.underscored) ? underscore(base) : base, schema);
    });
  }

  /** A paranoid Sequelize model (`paranoid: true` in its options or the connection's `define`): `destroy()` without `force` is an UPDATE of `deletedAt`. */
  sequelizeParanoid(node: ts.Node, mod: ModuleInfo): boolean {
    const defaults = this.sequelizeDefaults();
    const decl = this.sequelizeDeclaration(node, mod);
    // Paranoid needs timestamps: with `timestamps: false` Sequelize deletes.
    return Boolean(decl && (this.optionFlag(decl.options, mod, 'paranoid') ?? defaults.paranoid) && this.optionFlag(decl.options, mod, 'timestamps') !== false);
  }

  /** The Sequelize model's name (`modelName`, the class name, or `define`'s first argument): what its association mixins are named after. */
  sequelizeModelName(node: ts.Node, mod: ModuleInfo): string | undefined {
    return this.sequelizeDeclaration(node, mod)?.modelName;
  }

  private sequelizeDeclaration(node: ts.Node, mod: ModuleInfo): { modelName?: string; options?: ts.Expression } | undefined {
    if (ts.isClassLike(node)) {
      const table = decorator(node, /^Table$/, mod);
      if (table) return { modelName: this.option(table.arguments[0], mod, 'modelName') ?? node.name?.text, options: table.arguments[0] };
      const init = findInit(mod.sourceFile, node.name?.text);
      if (!init) return undefined;
      return { modelName: this.option(init.arguments[1], mod, 'modelName') ?? node.name?.text, options: init.arguments[1] };
    }
    if (ts.isCallExpression(node)) return { modelName: this.str(node.arguments[0], mod), options: node.arguments[2] };
    return undefined;
  }

  /** A constant string option of an options object (`{ as: 'players' }`), for the sink models. */
  stringOption(options: ts.Expression | undefined, mod: ModuleInfo, key: string): string | undefined {
    return this.option(options, mod, key);
  }

  /**
   * The text of a SQL file named by a constant path (`'sql/add.sql'`,
   * `path.join(__dirname, 'sql', 'add.sql')`, `new URL('./add.sql', import.meta.url)`),
   * relative to the module for `__dirname`/`import.meta.url`, else to the project root.
   */
  readSqlFile(expr: ts.Expression, mod: ModuleInfo, bindings?: SqlPathBindings): FoldedText {
    const path = this.sqlPath(expr, mod, bindings);
    let text: string | undefined;
    try {
      // The file is a dependency of the analysis: an edited .sql must not reuse a cached result.
      if (path) this.index.noteAccess([relative(this.index.root, path).split(sep).join('/')]);
      text = path ? readFileSync(path, 'utf8') : undefined;
    } catch {
      text = undefined;
    }
    return text === undefined ? { text: '', constant: false, unknown: true, namePlaceholders: [] } : { text, constant: true, unknown: false, namePlaceholders: [] };
  }

  private sqlPath(expr: ts.Expression, at: ModuleInfo, bindings?: SqlPathBindings): string | undefined {
    // `const fullPath = join(__dirname, file)`: the path is built where the constant is.
    const v = ts.isIdentifier(unwrapExpression(expr)) && !bindings?.has((unwrapExpression(expr) as ts.Identifier).text) ? constValue(expr, at, this.index) : undefined;
    const e = unwrapExpression(v?.kind === 'expr' ? v.expr : expr);
    const mod = v?.kind === 'expr' ? v.module : at;
    const here = dirname(mod.absPath);
    const str = (a: ts.Expression): string | undefined => {
      const u = unwrapExpression(a);
      const bound = ts.isIdentifier(u) ? bindings?.get(u.text) : undefined;
      return bound ? this.str(bound.expr, bound.module) : this.str(a, mod);
    };
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'URL' && e.arguments?.[0]) {
      const rel = str(e.arguments[0]);
      return rel ? resolve(here, rel) : undefined;
    }
    if (ts.isCallExpression(e)) {
      const c = unwrapExpression(e.expression);
      const fn = ts.isIdentifier(c) ? c.text : ts.isPropertyAccessExpression(c) ? c.name.text : '';
      if (fn === 'join' || fn === 'resolve') {
        const parts: string[] = [];
        for (const a of e.arguments) {
          const u = unwrapExpression(a);
          if (ts.isIdentifier(u) && u.text === '__dirname') parts.push(here);
          else {
            const s = str(a);
            if (s === undefined) return undefined;
            parts.push(s);
          }
        }
        return resolve(this.index.root, ...parts);
      }
    }
    const s = str(e);
    return s ? resolve(this.index.root, s) : undefined;
  }

  private memo(node: ts.Node, compute: () => string | undefined): string | undefined {
    const hit = this.tables.get(node);
    if (hit !== undefined) return hit ?? undefined;
    const t = compute();
    this.tables.set(node, t ?? null);
    return t;
  }
}

/** A helper's parameters bound to the arguments of one call (`sql('users/add.sql')` for `function sql(file)`). */
export type SqlPathBindings = ReadonlyMap<string, { expr: ts.Expression; module: ModuleInfo }>;

function snake(name: string | undefined): string | undefined {
  // TypeORM's DefaultNamingStrategy.tableName: snakeCase(targetName).
  return name ? name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase() : undefined;
}

/** `new EntitySchema({...})` / `defineEntity({...})`: the options object. */
function entitySchemaArg(node: ts.Node): ts.Expression | undefined {
  if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.arguments?.[0]) {
    const c = unwrapExpression(node.expression);
    const n = ts.isIdentifier(c) ? c.text : ts.isPropertyAccessExpression(c) ? c.name.text : '';
    if (n === 'EntitySchema' || n === 'defineEntity') return node.arguments[0];
  }
  return undefined;
}

function findInit(sf: ts.SourceFile, className: string | undefined): ts.CallExpression | undefined {
  if (!className) return undefined;
  let found: ts.CallExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n)) {
      const c = n.expression;
      if (ts.isPropertyAccessExpression(c) && c.name.text === 'init' && ts.isIdentifier(c.expression) && c.expression.text === className) {
        found = n;
        return;
      }
      // static { this.init(...) } / static initialize() { this.init(...) }
      if (ts.isPropertyAccessExpression(c) && c.name.text === 'init' && c.expression.kind === ts.SyntaxKind.ThisKeyword && n.arguments.length >= 2) {
        found = n;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}
