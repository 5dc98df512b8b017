import { ts } from '../../ts-analysis/typescript.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import type { Origin } from '../../ts-analysis/origin.js';
import type { WriteOperation } from '../../sql/index.js';
import { deleteEffects } from './delete-actions.js';
import { typeormForeignKeys } from './typeorm-foreign-keys.js';
import { flattenChain, foldSql, type Sink, type SinkContext, type SinkModel } from '../sink-model.js';
import { callStep, entityTable, instanceTable, typeArgTable } from './orm-entities.js';
import { perSubclass } from '../subclass-bindings.js';

/**
 * TypeORM: entities from `@Entity('t')` / `@Entity({ name, schema })` /
 * `@Entity()` (snake_case class name) or `new EntitySchema`; repository
 * writes (`getRepository(E)`, an injected `Repository<E>`, a custom
 * repository class or `.extend({…})`), `manager.save/insert/update/…(E, …)`
 * and `manager.save(entity)`, query-builder writes (`insert().into(E)`,
 * `update(E)`, `delete().from(E)`, reported at `execute()`), and `query(sql)`.
 */
const PKG = /^(typeorm|@nestjs\/typeorm)$/;
const WRITES = new Map<string, WriteOperation>([
  ['save', 'insert'],
  ['insert', 'insert'],
  ['upsert', 'insert'],
  ['update', 'update'],
  ['delete', 'delete'],
  ['softDelete', 'update'],
  ['restore', 'update'],
  ['recover', 'update'],
  ['remove', 'delete'],
  ['softRemove', 'update'],
  ['clear', 'truncate'],
  ['increment', 'update'],
  ['decrement', 'update'],
]);
const QB_WRITES = new Map<string, WriteOperation>([
  ['insert', 'insert'],
  ['update', 'update'],
  ['delete', 'delete'],
  ['softDelete', 'update'],
  ['restore', 'update'],
  ['orUpdate', 'insert'],
]);

function isTypeorm(o: Origin): boolean {
  return o.root.k === 'package' && PKG.test(o.root.pkg);
}

const tableOf = (ctx: SinkContext) => (node: ts.Node, mod: ModuleInfo) => ctx.facts.typeormTable(node, mod);

/** The entity a repository is for, or undefined when the receiver is not a repository. */
export function typeormRepoTable(o: Origin, ctx: SinkContext): string | undefined {
  if (!isTypeorm(o)) return undefined;
  const get = callStep(o, /^(getRepository|getTreeRepository|getMongoRepository|withRepository)$/);
  if (get) return entityTable(get.node.arguments[0], ctx, tableOf(ctx));
  if (o.root.k === 'package' && o.root.name === 'getRepository') {
    const first = o.steps[0];
    if (first?.k === 'call') return entityTable(first.node.arguments[0], ctx, tableOf(ctx));
  }
  for (let i = o.steps.length - 1; i >= 0; i--) {
    const s = o.steps[i]!;
    if (s.k === 'typed') {
      const viaArg = typeArgTable(s, ctx, tableOf(ctx));
      if (viaArg) return viaArg;
    }
  }
  return undefined;
}

function isManager(o: Origin): boolean {
  if (!isTypeorm(o)) return false;
  if (o.root.k === 'package' && /^(EntityManager|DataSource|Connection|getManager|getConnection|QueryRunner|InjectEntityManager|InjectDataSource)$/.test(o.root.name)) return true;
  return o.steps.some((s) => (s.k === 'get' && s.name === 'manager') || (s.k === 'call' && /^(getManager|createEntityManager|createQueryRunner)$/.test(s.name ?? '')) || (s.k === 'cb' && s.method === 'transaction'));
}

export const typeormModel: SinkModel = {
  id: 'typeorm',
  methods: [...WRITES.keys(), 'execute', 'query'],
  call(site, ctx) {
    if (!site.receiver) return undefined;
    const method = site.method!;
    if (method === 'execute') return queryBuilder(site.node, ctx);
    const o = ctx.tracer.of(site.receiver, ctx.mod);
    if (!isTypeorm(o)) return undefined;
    if (method === 'query') {
      if (!site.args[0]) return undefined;
      return [{ kind: 'sql', node: site.node, via: 'typeorm .query()', sql: foldSql(site.args[0], ctx), dbReceiver: true, library: 'typeorm' }];
    }
    // A query builder's insert()/update()/delete() is judged once, at its execute().
    if (o.steps.some((s) => s.k === 'call' && s.name === 'createQueryBuilder')) return undefined;
    const op = WRITES.get(method)!;
    const repoTable = typeormRepoTable(o, ctx);
    let table: string | undefined;
    let via: string;
    if (repoTable !== undefined) {
      table = repoTable;
      via = `typeorm repository .${method}()`;
    } else if (isGenericRepository(o)) {
      // `this.repository.save(…)` in a generic base service (`Repository<T>`): the tables its subclasses
      // hand to `super(…)`, else a write whose table is not known here (unverifiable, never dropped).
      const bound = perSubclass(site.receiver, ctx, 'repository', (b) => (b.value ? typeormRepoTable(b.value, { ...ctx, mod: b.mod }) : undefined));
      if (bound) return bound.flatMap((b) => writeSinks(site.node, ctx, `typeorm repository .${method}() ${b.how}`, b.value, op));
      return [{ kind: 'builder', node: site.node, via: `typeorm repository .${method}() on a repository typed ${o.root.k === 'package' ? o.root.name : 'Repository'}<T>`, table: undefined, operation: op, library: 'typeorm' }];
    } else if (isManager(o) || o.root.k === 'package') {
      table = entityTable(site.args[0], ctx, tableOf(ctx)) ?? (site.args[0] ? instanceTable(ctx.tracer.of(site.args[0], ctx.mod), ctx, tableOf(ctx), (r) => typeormRepoTable(r, ctx)) : undefined);
      if (table === undefined && !isManager(o)) return undefined;
      via = `typeorm manager .${method}()`;
    } else return undefined;
    return writeSinks(site.node, ctx, via, table, op);
  },
};

function writeSinks(node: ts.CallExpression, ctx: SinkContext, via: string, table: string | undefined, op: WriteOperation): Sink[] {
  const sinks: Sink[] = [{ kind: 'builder', node, via, table, operation: op, library: 'typeorm' }];
  // The relations' onDelete actions write the children when the parent row goes.
  if (op === 'delete' && table !== undefined) {
    for (const e of deleteEffects(typeormForeignKeys(ctx), table)) sinks.push({ kind: 'builder', node, via: `${via} through the foreign key (${e.path})`, table: e.table, operation: e.operation, library: 'typeorm' });
  }
  return sinks;
}

/** A repository typed only by a type parameter (`repository: Repository<T>` in `class BaseService<T>`). */
function isGenericRepository(o: Origin): boolean {
  const last = o.steps.at(-1);
  return o.root.k === 'package' && PKG.test(o.root.pkg) && /^(Repository|TreeRepository|MongoRepository)$/.test(o.root.name) && o.steps.length === 1 && last?.k === 'typed';
}

/** `….createQueryBuilder(…).insert().into(E)….execute()` (the builder may be held in a variable). */
function queryBuilder(node: ts.CallExpression, ctx: SinkContext): Sink[] | undefined {
  const { base, links } = flattenChain(node);
  const o = ctx.tracer.of(base, ctx.mod);
  if (!isTypeorm(o)) return undefined;
  const steps = [...o.steps.filter((s) => s.k === 'call').map((s) => ({ name: (s as { name?: string }).name, args: (s as { node: ts.CallExpression }).node.arguments })), ...links];
  const qbAt = steps.findIndex((s) => s.name === 'createQueryBuilder');
  if (qbAt < 0) return undefined;
  let op: WriteOperation | undefined;
  let table: string | undefined;
  const prefix: Origin = { root: o.root, steps: o.steps.slice(0, Math.max(0, o.steps.findIndex((s) => s.k === 'call' && s.name === 'createQueryBuilder'))) };
  let fromRepo = qbAt < o.steps.length ? typeormRepoTable(prefix, ctx) : undefined;
  if (qbAt >= o.steps.filter((s) => s.k === 'call').length) fromRepo = typeormRepoTable(o, ctx);
  for (const s of steps.slice(qbAt + 1)) {
    if (s.name && QB_WRITES.has(s.name) && !op) {
      op = QB_WRITES.get(s.name);
      if (s.name === 'update' && s.args[0]) table = entityTable(s.args[0], ctx, tableOf(ctx));
    }
    if ((s.name === 'into' || s.name === 'from') && s.args[0]) table = entityTable(s.args[0], ctx, tableOf(ctx)) ?? table;
  }
  if (!op) return undefined;
  return [{ kind: 'builder', node, via: 'typeorm query builder .execute()', table: table ?? fromRepo, operation: op, library: 'typeorm' }];
}
