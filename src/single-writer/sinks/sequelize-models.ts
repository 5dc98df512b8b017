import { ts } from '../../ts-analysis/typescript.js';
import { unwrapExpression } from '../../ts-analysis/const-value.js';
import { classAt } from '../../ts-analysis/scopes.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import type { Origin } from '../../ts-analysis/origin.js';
import { returnedExpression } from '../../ts-analysis/function-results.js';
import { constString, type SinkContext } from '../sink-model.js';
import { projectModels, type ModelRef, type ModelResolver } from './sequelize-associations.js';

/**
 * Which Sequelize model a value is: a model class, a `define()` result, the `sequelize.models`
 * registry, a definer function's result; and which model an instance belongs to.
 */
export const PKG = /^(sequelize|sequelize-typescript|@sequelize\/core)$/;
const FINDERS = /^(findByPk|findOne|findAll|build|create|findOrCreate|findOrBuild|findCreateFind|bulkBuild|bulkCreate|reload|findAndCountAll)$/;

export function isSequelize(o: Origin): boolean {
  return o.root.k === 'package' && PKG.test(o.root.pkg);
}

/**
 * The declaration of a model value: a class extending Model, a `define(…)` result,
 * `sequelize.models.X`, or a model registry's member (`db.Payment`, where `db` is the
 * object sequelize-cli's `models/index.js` fills at run time) named like a declared model.
 */
export function modelRefOf(o: Origin, ctx: SinkContext, registry = true, depth = 0): ModelRef | undefined {
  if (o.root.k === 'class' && !o.steps.length) {
    const heritage = ctx.tracer.instanceOf(o.root.node, o.root.module, 0);
    return isSequelize(heritage) ? { node: o.root.node, mod: o.root.module } : undefined;
  }
  const last = o.steps.at(-1);
  // `const User = userModel(sequelize)`: the model a definer function returns (`return sequelize.define('User', …)`).
  if (o.root.k === 'function' && o.steps.length === 1 && last?.k === 'call' && depth < 3) {
    const ret = returnedExpression(o.root.node);
    const mod = o.root.module;
    return ret && modelRefOf(ctx.tracer.of(ret, mod), { ...ctx, mod }, registry, depth + 1);
  }
  // A definer's parameter is the connection: `sequelize.define('User', { …attributes })` whatever the receiver.
  if (o.root.k === 'unknown' && last?.k === 'call' && last.name === 'define' && isModelDefinition(last.node, ctx)) return { node: last.node, mod: ctx.mod };
  if (registry && o.root.k === 'literal' && o.steps.length === 1 && last?.k === 'get' && /^[A-Z]/.test(last.name)) {
    return projectModels(ctx, resolveClass).get(last.name);
  }
  const prev = o.steps.at(-2);
  // `req.app.get('sequelize').models.User`: Sequelize's registry reached through something untraced, naming a declared model.
  if (registry && !isSequelize(o) && last?.k === 'get' && prev?.k === 'get' && prev.name === 'models') return projectModels(ctx, resolveClass).get(last.name);
  if (!isSequelize(o)) return undefined;
  if (last?.k === 'call' && last.name === 'define') return { node: last.node, mod: ctx.mod };
  if (last?.k === 'get' && prev?.k === 'get' && prev.name === 'models') return { node: namedDefine(last.name), mod: ctx.mod };
  return undefined;
}

/** `define('Name', { …attributes }, options?)`: the shape of Sequelize's define, not of AMD's or customElements'. */
function isModelDefinition(call: ts.CallExpression, ctx: SinkContext): boolean {
  const attrs = call.arguments[1] && unwrapExpression(call.arguments[1]);
  return constString(call.arguments[0], ctx) !== undefined && !!attrs && ts.isObjectLiteralExpression(attrs);
}

/** `sequelize.models.user` names the model `user`: read as the `define('user')` that made it. */
export function namedDefine(name: string): ts.CallExpression {
  return ts.factory.createCallExpression(ts.factory.createIdentifier('define'), undefined, [ts.factory.createStringLiteral(name)]);
}

/**
 * A model as association declarations name it. Besides what modelRefOf traces:
 * `this` in a model's `static associate(models)` (sequelize-cli's layout), and
 * the models registry reached through an untyped parameter (`models.Task`,
 * `sequelize.models.task` in express-example's `applyExtraSetup(sequelize)`),
 * which names the model: the call itself (`hasMany`, `belongsTo`…) is what says Sequelize.
 */
export const resolveModel: ModelResolver = (expr, ctx) => resolveIn(expr, ctx, true);
const resolveClass: ModelResolver = (expr, ctx) => resolveIn(expr, ctx, false);

function resolveIn(expr: ts.Expression, ctx: SinkContext, registry: boolean): ModelRef | undefined {
  const e = unwrapExpression(expr);
  if (e.kind === ts.SyntaxKind.ThisKeyword) {
    const cls = classAt(ctx.mod.scopes, e.pos);
    return cls ? modelRefOf({ root: { k: 'class', node: cls, module: ctx.mod }, steps: [] }, ctx, registry) : undefined;
  }
  const o = ctx.tracer.of(expr, ctx.mod);
  const traced = modelRefOf(o, ctx, registry);
  if (traced || !registry) return traced;
  if (o.root.k !== 'unknown') return undefined;
  const [first, second] = o.steps;
  const viaRegistry = o.steps.length === 2 && first?.k === 'get' && first.name === 'models' && second?.k === 'get' ? second.name : undefined;
  const viaModels = o.steps.length === 1 && first?.k === 'get' && o.root.name === 'models' ? first.name : undefined;
  const name = viaRegistry ?? viaModels;
  return name ? (projectModels(ctx, resolveClass).get(name) ?? { node: namedDefine(name), mod: ctx.mod }) : undefined;
}

/** The model of an instance: typed as one, found or built by one, or constructed with `new`. */
export function instanceModel(o: Origin): Origin | undefined {
  const last = o.steps.at(-1);
  if (last?.k === 'typed' && last.cls && isSequelize(o)) return { root: { k: 'class', node: last.cls, module: last.clsModule as ModuleInfo }, steps: [] };
  const steps = last?.k === 'elem' ? o.steps.slice(0, -1) : o.steps;
  const finder = steps.at(-1);
  if (finder?.k === 'call' && finder.name && FINDERS.test(finder.name)) return { root: o.root, steps: steps.slice(0, -1) };
  // `new Expense({…})`, `new (db.models.Article)(…)`: an instance built by its model's constructor.
  if (finder?.k === 'new') return { root: o.root, steps: steps.slice(0, -1) };
  return undefined;
}

/**
 * A value typed only as Sequelize's own model types: `ModelStatic<T>`, `ModelCtor<T>`,
 * `typeof Model` (a model class, whose statics write) or `Model` (an instance).
 */
export function genericModel(o: Origin): 'static' | 'instance' | undefined {
  if (o.root.k !== 'package' || !PKG.test(o.root.pkg)) return undefined;
  if (!o.steps.length) return o.root.name === 'Model' ? 'static' : undefined;
  if (o.steps.length !== 1 || o.steps[0]!.k !== 'typed') return undefined;
  if (/^(ModelStatic|ModelCtor|ModelType|ModelDefined)$/.test(o.root.name)) return 'static';
  return o.root.name === 'Model' ? 'instance' : undefined;
}

/** An instance found or built by a generically typed model (`(await this.repository.findOne(…)).update(…)`). */
export function genericInstance(o: Origin): 'instance' | undefined {
  const model = instanceModel(o);
  return model && genericModel(model) === 'static' ? 'instance' : undefined;
}

export function genericTypeName(o: Origin): string {
  const model = genericModel(o) ? o : (instanceModel(o) ?? o);
  const name = model.root.k === 'package' ? model.root.name : 'Model';
  return model.steps.length ? `${name}<…>` : `typeof ${name}`;
}


/** The model declaration of an instance. */
export function instanceRef(o: Origin, ctx: SinkContext): ModelRef | undefined {
  const last = o.steps.at(-1);
  if (last?.k === 'typed' && last.cls && isSequelize(o)) return { node: last.cls, mod: last.clsModule as ModuleInfo };
  const model = instanceModel(o);
  return model && modelRefOf(model, ctx);
}

/** The table of a model instance. */
export function instanceTable(o: Origin, ctx: SinkContext): string | undefined {
  const ref = instanceRef(o, ctx);
  return ref && ctx.facts.sequelizeTable(ref.node, ref.mod);
}

