import { ts } from '../../ts-analysis/typescript.js';
import { ownProperty, unwrapExpression } from '../../ts-analysis/const-value.js';
import type { ModuleIndex, ModuleInfo } from '../../ts-analysis/module-index.js';
import type { WriteOperation } from '../../sql/index.js';
import { calleeName, constString, type SinkContext } from '../sink-model.js';
import { decorator } from '../orm-facts.js';
import { capitalise, pluralize, singularize } from '../inflect.js';

/**
 * Sequelize's association mixins: `A.hasMany(B)` gives every A instance
 * `addB`, `setBs`, `removeB`, `createB`…, and what they write depends on the
 * association, not on the name alone (from Sequelize v6's associations docs):
 *
 * | association | set… | add… / remove… | create… |
 * | --- | --- | --- | --- |
 * | `A.hasOne(B)` | UPDATE B | | INSERT B |
 * | `A.belongsTo(B)` | UPDATE A | | INSERT B, UPDATE A |
 * | `A.hasMany(B)` | UPDATE B | UPDATE B | INSERT B |
 * | `A.belongsToMany(B, { through: T })` | INSERT/DELETE T | INSERT / DELETE T | INSERT B, INSERT T |
 *
 * The mixins are named after `as` (`{ as: 'purchases' }` or `{ as: { singular, plural } }`),
 * else after B's model name, singular and plural as Sequelize inflects them.
 */
export type AssociationKind = 'hasOne' | 'belongsTo' | 'hasMany' | 'belongsToMany';

export interface ModelRef {
  node: ts.Node;
  mod: ModuleInfo;
}

export interface Association {
  kind: AssociationKind;
  /** Tables of the declaring model (A), the associated model (B) and the join table (belongsToMany). */
  source: string;
  target: string;
  through?: string;
  /** Capitalised names the mixins carry: `Purchase`, `Purchases`. */
  singular: string;
  plural: string;
  /** The foreign key's delete action as the options state it (`onDelete: 'CASCADE'`), lower case; absent when not stated. */
  onDelete?: string;
  /** `constraints: false`: Sequelize makes no foreign key for it. */
  noConstraints?: true;
}

export interface MixinWrite {
  table: string;
  operation: WriteOperation;
}

const KINDS = new Set<string>(['hasOne', 'belongsTo', 'hasMany', 'belongsToMany']);
const toMany = (kind: AssociationKind) => kind === 'hasMany' || kind === 'belongsToMany';
export const MIXIN = /^(create|add|set|remove)([A-Z][A-Za-z0-9_$]*)$/;

/** The writes `instance.<method>()` makes, for an instance of the model whose table is `source`. */
export function mixinWrites(associations: readonly Association[], source: string, method: string): MixinWrite[] | undefined {
  const m = MIXIN.exec(method);
  if (!m) return undefined;
  const verb = m[1]!;
  const name = m[2]!;
  const out: MixinWrite[] = [];
  for (const a of associations) {
    if (a.source !== source) continue;
    const many = toMany(a.kind);
    const named = verb === 'create' ? name === a.singular : verb === 'set' ? name === (many ? a.plural : a.singular) : many && (name === a.singular || name === a.plural);
    if (!named) continue;
    if (verb === 'create') out.push({ table: a.target, operation: 'insert' });
    if (a.kind === 'belongsTo' && (verb === 'set' || verb === 'create')) out.push({ table: a.source, operation: 'update' });
    else if (a.kind === 'belongsToMany') {
      if (a.through) out.push({ table: a.through, operation: verb === 'remove' ? 'delete' : 'insert' });
      if (a.through && verb === 'set') out.push({ table: a.through, operation: 'delete' });
    } else if (verb !== 'create') out.push({ table: a.target, operation: 'update' });
  }
  return out.length ? out : undefined;
}

/** Resolves a model expression (`User`, `models.user`, `sequelize.models.user`) to its declaration. */
export type ModelResolver = (expr: ts.Expression, ctx: SinkContext) => ModelRef | undefined;

/**
 * The models the run's files declare, by model name: classes set up by
 * `X.init(attrs, { modelName })` or `@Table`, and `define('name', …)` calls.
 * A registry (`models.Payment`, sequelize-cli's `db.Payment`) names a model; this
 * finds its declaration and so its real table (a `tableName` included).
 */
export type ModelsByName = Map<string, ModelRef>;

interface ProjectFacts {
  models?: ModelsByName;
  associations?: Association[];
}

/**
 * What a project-wide reading depends on is every file of the run: each file that
 * uses it (not only the first, which did the reading) lists them as its cache
 * dependencies, so an association edited elsewhere re-checks the files using it.
 */
function noteProjectRead(ctx: SinkContext): void {
  ctx.index.noteAccess(ctx.projectFiles());
}
const perIndex = new WeakMap<ModuleIndex, ProjectFacts>();

function factsOf(index: ModuleIndex): ProjectFacts {
  let f = perIndex.get(index);
  if (!f) perIndex.set(index, (f = {}));
  return f;
}

/** Calls of the run's files named `names`, with the context of their module. */
function* projectCalls(ctx: SinkContext, names: ReadonlySet<string>): Generator<{ call: ts.CallExpression; callee: ts.PropertyAccessExpression; ctx: SinkContext }> {
  const mentions = new RegExp(`\\.\\s*(?:${[...names].join('|')})\\b`);
  for (const rel of ctx.projectFiles()) {
    const mod = ctx.index.getIfMentions(rel, mentions);
    if (!mod) continue;
    const here: SinkContext = { ...ctx, mod };
    for (const call of mod.scopes.calls) {
      if (!ts.isCallExpression(call)) continue;
      const callee = unwrapExpression(call.expression);
      if (ts.isPropertyAccessExpression(callee) && names.has(callee.name.text)) yield { call, callee, ctx: here };
    }
  }
}

const DECLARING = new Set(['init', 'define']);

/** `define('Name', attributes, options?)`; not AMD's `define('name', [deps], factory)` nor `customElements.define('x-a', Class)`. */
function definesAModel(call: ts.CallExpression): boolean {
  const [name, attrs] = call.arguments.map(unwrapExpression);
  if (!name || !attrs || !(ts.isStringLiteralLike(name) || ts.isIdentifier(name))) return false;
  return !ts.isArrayLiteralExpression(attrs) && !ts.isClassExpression(attrs) && !ts.isFunctionLike(attrs);
}

/** `resolveClass` traces a model class (`User`, `this`) without consulting the registry being built. */
export function projectModels(ctx: SinkContext, resolveClass: ModelResolver): ModelsByName {
  noteProjectRead(ctx);
  const facts = factsOf(ctx.index);
  if (facts.models) return facts.models;
  const byName: ModelsByName = (facts.models = new Map());
  for (const { call, callee, ctx: here } of projectCalls(ctx, DECLARING)) {
    const ref = callee.name.text === 'define' ? (definesAModel(call) ? { node: call, mod: here.mod } : undefined) : call.arguments.length >= 2 ? resolveClass(callee.expression, here) : undefined;
    const name = ref && ctx.facts.sequelizeModelName(ref.node, ref.mod);
    if (ref && name && !byName.has(name)) byName.set(name, ref);
  }
  return byName;
}

/**
 * Every association the run's files declare, read once per index (only when a
 * mixin-like call on a model instance asks): `A.hasMany(B, options)` and its
 * siblings, wherever they are (a model's `associate`, an `extra-setup.js`).
 */
export function projectAssociations(ctx: SinkContext, resolveModel: ModelResolver): Association[] {
  noteProjectRead(ctx);
  const facts = factsOf(ctx.index);
  if (facts.associations) return facts.associations;
  const found: Association[] = (facts.associations = []);
  for (const { call, callee, ctx: here } of projectCalls(ctx, KINDS)) {
    if (!call.arguments[0]) continue;
    const a = readAssociation(callee.name.text as AssociationKind, callee.expression, call.arguments, here, resolveModel);
    if (a) found.push(a);
  }
  found.push(...decoratedAssociations(ctx, resolveModel));
  return found;
}

const DECORATORS: Record<string, AssociationKind> = { HasOne: 'hasOne', BelongsTo: 'belongsTo', HasMany: 'hasMany', BelongsToMany: 'belongsToMany' };
const DECORATOR_NAMES = /^(HasOne|BelongsTo|HasMany|BelongsToMany)$/;

/**
 * sequelize-typescript declares associations on the model's properties:
 * `@HasMany(() => Expense) purchases: Expense[]` is `User.hasMany(Expense, { as: 'purchases' })`,
 * and `@BelongsToMany(() => Tag, () => ExpenseTag)` names its join model second.
 */
function decoratedAssociations(ctx: SinkContext, resolveModel: ModelResolver): Association[] {
  const out: Association[] = [];
  for (const rel of ctx.projectFiles()) {
    const mod = ctx.index.getIfMentions(rel, /@(HasOne|BelongsTo|HasMany|BelongsToMany)\b/);
    if (!mod) continue;
    const here: SinkContext = { ...ctx, mod };
    const visit = (n: ts.Node): void => {
      if (ts.isClassLike(n)) {
        for (const member of n.members) {
          const d = ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name) ? decorator(member, DECORATOR_NAMES, here.mod) : undefined;
          if (!d) continue;
          const a = readDecorated(DECORATORS[calleeName(d.expression)]!, n, (member.name as ts.Identifier).text, d.arguments, here, resolveModel);
          if (a) out.push(a);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(mod.sourceFile);
  }
  return out;
}

function readDecorated(kind: AssociationKind, cls: ts.ClassLikeDeclaration, property: string, args: ts.NodeArray<ts.Expression>, ctx: SinkContext, resolveModel: ModelResolver): Association | undefined {
  const sourceTable = ctx.facts.sequelizeTable(cls, ctx.mod);
  const targetTable = tableOf(modelOfThunk(args[0], ctx, resolveModel), ctx);
  if (!sourceTable || !targetTable) return undefined;
  // The second argument of @BelongsToMany is the join model, or options holding it as `through`.
  const through = kind === 'belongsToMany' && args[1] ? throughTable(objectLiteral(args[1]) ? ownProperty(objectLiteral(args[1])!, 'through') : args[1], ctx, resolveModel) : undefined;
  // Options are the last object argument: `@BelongsTo(() => User, { onDelete })`, `@BelongsToMany(() => Tag, () => ExpenseTag, …)` has none before the join model.
  const options = [...args].reverse().map(objectLiteral).find((o) => o !== undefined);
  return { kind, source: sourceTable, target: targetTable, ...(through ? { through } : {}), ...namesFromAlias(property, toMany(kind)), ...onDeleteOf(options, ctx) };
}

function onDeleteOf(options: ts.ObjectLiteralExpression | undefined, ctx: SinkContext): { onDelete?: string; noConstraints?: true } {
  const action = options && constString(ownProperty(options, 'onDelete'), ctx);
  const noConstraints = options && ownProperty(options, 'constraints')?.kind === ts.SyntaxKind.FalseKeyword;
  return { ...(action ? { onDelete: action.toLowerCase() } : {}), ...(noConstraints ? { noConstraints: true as const } : {}) };
}

/** `() => Expense` (or `Expense`): the model it names. */
function modelOfThunk(e: ts.Expression | undefined, ctx: SinkContext, resolveModel: ModelResolver): ModelRef | undefined {
  const u = e && unwrapExpression(e);
  if (!u) return undefined;
  const body = ts.isArrowFunction(u) && !ts.isBlock(u.body) ? u.body : u;
  return resolveModel(body, ctx);
}

function readAssociation(kind: AssociationKind, sourceExpr: ts.Expression, args: ts.NodeArray<ts.Expression>, ctx: SinkContext, resolveModel: ModelResolver): Association | undefined {
  const source = resolveModel(sourceExpr, ctx);
  const target = resolveModel(args[0]!, ctx);
  const sourceTable = tableOf(source, ctx);
  const targetTable = tableOf(target, ctx);
  if (!sourceTable || !targetTable) return undefined;
  const options = objectLiteral(args[1]);
  const names = mixinNames(kind, options, ctx.facts.sequelizeModelName(target!.node, target!.mod), ctx);
  if (!names) return undefined;
  const through = kind === 'belongsToMany' && options ? throughTable(ownProperty(options, 'through'), ctx, resolveModel) : undefined;
  return { kind, source: sourceTable, target: targetTable, ...(through ? { through } : {}), ...names, ...onDeleteOf(options, ctx) };
}

/**
 * The join table of a many-to-many: `'user_projects'` as written, or the table of the
 * join model (`UserProjects`, `() => UserProjects`, `{ model: UserProjects }`).
 */
function throughTable(t: ts.Expression | undefined, ctx: SinkContext, resolveModel: ModelResolver): string | undefined {
  const wrapped = objectLiteral(t);
  const model = wrapped ? ownProperty(wrapped, 'model') : t;
  return model && (constString(model, ctx) ?? tableOf(modelOfThunk(model, ctx, resolveModel), ctx));
}

function tableOf(ref: ModelRef | undefined, ctx: SinkContext): string | undefined {
  return ref && ctx.facts.sequelizeTable(ref.node, ref.mod);
}

/** `as: 'purchases'` / `{ singular, plural }`, else the target model's name, inflected as Sequelize does. */
function mixinNames(kind: AssociationKind, options: ts.ObjectLiteralExpression | undefined, targetName: string | undefined, ctx: SinkContext): { singular: string; plural: string } | undefined {
  const as = options && ownProperty(options, 'as');
  const asObject = objectLiteral(as);
  if (asObject) {
    const singular = constString(ownProperty(asObject, 'singular'), ctx);
    const plural = constString(ownProperty(asObject, 'plural'), ctx);
    return singular && plural ? { singular: capitalise(singular), plural: capitalise(plural) } : undefined;
  }
  if (as) {
    const alias = constString(as, ctx);
    return alias === undefined ? undefined : namesFromAlias(alias, toMany(kind));
  }
  return targetName ? { singular: capitalise(singularize(targetName)), plural: capitalise(pluralize(targetName)) } : undefined;
}

/** An alias is the plural of a to-many association and the singular of the others. */
function namesFromAlias(alias: string, many: boolean): { singular: string; plural: string } {
  return many ? { singular: capitalise(singularize(alias)), plural: capitalise(alias) } : { singular: capitalise(alias), plural: capitalise(pluralize(alias)) };
}

function objectLiteral(e: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
  const u = e && unwrapExpression(e);
  return u && ts.isObjectLiteralExpression(u) ? u : undefined;
}
