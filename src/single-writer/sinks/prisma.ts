import { ts } from '../../ts-analysis/typescript.js';
import { ownProperty, propertyNameText, unwrapExpression } from '../../ts-analysis/const-value.js';
import { HOLE, templatePieces, piecesToText } from '../../ts-analysis/fold.js';
import { lastName, type Origin } from '../../ts-analysis/origin.js';
import type { WriteOperation } from '../../sql/index.js';
import type { PrismaModel } from '../orm-facts.js';
import { prismaDeleteActions } from '../prisma-schema.js';
import { deleteEffects } from './delete-actions.js';
import { spanPieces, foldSql, objectLiteral, receiverConfidence, type CallSite, type Sink, type SinkContext, type SinkModel } from '../sink-model.js';
import { perSubclass } from '../subclass-bindings.js';

/**
 * Prisma: `create/createMany/update/updateMany/upsert/delete/deleteMany` on a
 * model delegate (`prisma.expense`) of a client — constructed, extended,
 * injected (`class PrismaService extends PrismaClient`), passed as a typed
 * parameter or a `$transaction` callback's `tx` — with the table from
 * schema.prisma (`@@map`, `@@schema`); nested writes under another model's
 * `data`; `$executeRaw`/`$executeRawUnsafe`/`$queryRaw`/`$queryRawUnsafe`.
 */
const PKG = /^(@prisma\/client(\/.*)?|\.prisma\/client(\/.*)?)$/;
const PRISMA_NAMES = /^(prisma|db|database|client|prismaClient|tx|trx|transaction|prismaService)$/i;
const WRITES = new Map<string, WriteOperation>([
  ['create', 'insert'],
  ['createMany', 'insert'],
  ['createManyAndReturn', 'insert'],
  ['update', 'update'],
  ['updateMany', 'update'],
  ['updateManyAndReturn', 'update'],
  ['upsert', 'insert'],
  ['delete', 'delete'],
  ['deleteMany', 'delete'],
]);
const NESTED = new Map<string, WriteOperation>([
  ['create', 'insert'],
  ['createMany', 'insert'],
  ['connectOrCreate', 'insert'],
  ['upsert', 'insert'],
  ['update', 'update'],
  ['updateMany', 'update'],
  ['set', 'update'],
  ['connect', 'update'],
  ['disconnect', 'update'],
  ['delete', 'delete'],
  ['deleteMany', 'delete'],
]);
const RAW = ['$executeRaw', '$executeRawUnsafe', '$queryRaw', '$queryRawUnsafe'];

function clientConfidence(o: Origin): 'traced' | 'heuristic' | undefined {
  if (o.root.k === 'package' && PKG.test(o.root.pkg)) return 'traced';
  return receiverConfidence(o, PKG, PRISMA_NAMES);
}

function isPrisma(o: Origin): boolean {
  return o.root.k === 'package' && PKG.test(o.root.pkg);
}

export const prismaModel: SinkModel = {
  id: 'prisma',
  methods: [...WRITES.keys(), ...RAW],
  tagged: true,
  call(site, ctx) {
    if (!site.receiver) return undefined;
    const method = site.method!;
    const recv = unwrapExpression(site.receiver);
    if (RAW.includes(method)) {
      const sure = clientConfidence(ctx.tracer.of(recv, ctx.mod));
      if (!sure || !site.args[0]) return undefined;
      return [{ kind: 'sql', node: site.node, via: `prisma.${method}()`, sql: foldSql(site.args[0], ctx), dbReceiver: true, library: 'prisma', heuristic: sure === 'heuristic' }];
    }
    const op = WRITES.get(method)!;
    // `this.delegate.create(…)` in a generic base repository: the delegates its subclasses hand to super().
    const bound = boundBySubclasses(site, op, ctx);
    if (bound) return bound;
    // `prisma.expense`, `prisma['expense']`, or a delegate held in a variable (`const { expense } = prisma`).
    let delegate: string | undefined;
    let client: Origin;
    if (ts.isPropertyAccessExpression(recv) || (ts.isElementAccessExpression(recv) && ts.isStringLiteralLike(recv.argumentExpression))) {
      delegate = ts.isPropertyAccessExpression(recv) ? recv.name.text : (recv.argumentExpression as ts.StringLiteral).text;
      client = ctx.tracer.of(recv.expression, ctx.mod);
    } else {
      const o = ctx.tracer.of(recv, ctx.mod);
      const last = o.steps.at(-1);
      if (last?.k !== 'get') return undefined;
      delegate = last.name;
      client = { root: o.root, steps: o.steps.slice(0, -1) };
    }
    if (!delegate || delegate.startsWith('$')) return undefined;
    const sure = clientConfidence(client);
    if (!sure) return undefined;
    const facts = ctx.facts.prisma;
    const model = facts.byDelegate.get(delegate);
    // With a schema, a delegate that is no model is no write (`prisma.$extends`, a custom property).
    if (!model && facts.byDelegate.size) return undefined;
    const heuristic = sure === 'heuristic';
    const via = `prisma.${delegate}.${method}()`;
    const out: Sink[] = [{ kind: 'builder', node: site.node, via, table: model?.table ?? delegate, operation: op, library: 'prisma', heuristic }];
    // The foreign keys Prisma migrates write too: deleting a user deletes (or nulls) its children's rows.
    if (op === 'delete' && model) {
      // Actions are by model name; each affected model's table is what is written.
      for (const e of deleteEffects(prismaDeleteActions(facts), model.name)) {
        const table = facts.byName.get(e.table)?.table ?? e.table;
        out.push({ kind: 'builder', node: site.node, via: `${via} through the foreign key (${e.path}, schema.prisma)`, table, operation: e.operation, library: 'prisma', heuristic });
      }
    }
    if (model) {
      const args = objectLiteral(site.args[0], ctx);
      for (const key of ['data', 'create', 'update']) {
        const data = args && ownProperty(args.obj, key);
        if (data) nested(data, model, ctx, (table, operation) => out.push({ kind: 'builder', node: site.node, via: `${via} (nested)`, table, operation, library: 'prisma', heuristic }));
      }
    }
    return out;
  },
  tag(node, ctx) {
    const tag = unwrapExpression(node.tag);
    if (!ts.isPropertyAccessExpression(tag) || !RAW.includes(tag.name.text)) return undefined;
    const sure = clientConfidence(ctx.tracer.of(tag.expression, ctx.mod));
    if (!sure) return undefined;
    const sql = piecesToText(templatePieces(node.template, (e) => spanPieces(e, ctx.mod, ctx)));
    return [{ kind: 'sql', node, via: `prisma.${tag.name.text}\`…\``, sql, dbReceiver: true, library: 'prisma', heuristic: sure === 'heuristic' }];
  },
  fragment(expr, mod, fold, ctx) {
    if (ts.isTaggedTemplateExpression(expr)) {
      const tag = unwrapExpression(expr.tag);
      if (!ts.isPropertyAccessExpression(tag) || tag.name.text !== 'sql' || !isPrisma(ctx.tracer.of(tag.expression, mod))) return undefined;
      return templatePieces(expr.template, (e) => spanPieces(e, mod, ctx));
    }
    if (ts.isCallExpression(expr)) {
      const callee = unwrapExpression(expr.expression);
      if (!ts.isPropertyAccessExpression(callee) || !isPrisma(ctx.tracer.of(callee.expression, mod))) return undefined;
      if (callee.name.text === 'raw' && expr.arguments[0]) return fold(expr.arguments[0], mod);
      return [HOLE];
    }
    if (ts.isPropertyAccessExpression(expr) && expr.name.text === 'empty' && lastName(ctx.tracer.of(expr.expression, mod)) === 'Prisma') return [''];
    return undefined;
  },
};

/**
 * `class BaseRepository<D> { constructor(protected readonly delegate: D) {} create(data) { return this.delegate.create({ data }) } }`
 * with `class PaymentsRepository extends BaseRepository<…> { constructor() { super(prisma.payment) } }`:
 * one write per subclass whose delegate is a model of the schema (perSubclass); a subclass handing
 * on its own parameter adds an unverifiable write.
 */
function boundBySubclasses(site: CallSite, op: WriteOperation, ctx: SinkContext): Sink[] | undefined {
  const facts = ctx.facts.prisma;
  const bound = perSubclass(site.receiver!, ctx, 'delegate', (b) => {
    const last = b.value?.steps.at(-1);
    if (!b.value || last?.k !== 'get') return undefined;
    const sure = clientConfidence({ root: b.value.root, steps: b.value.steps.slice(0, -1) });
    const model = sure ? facts.byDelegate.get(last.name) : undefined;
    return model ? { model, heuristic: sure === 'heuristic' } : undefined;
  });
  return bound?.flatMap(({ value, how }) => {
    const via = `prisma delegate .${site.method}() ${how}`;
    if (!value) return [{ kind: 'builder' as const, node: site.node, via, table: undefined, operation: op, library: 'prisma' }];
    const out: Sink[] = [{ kind: 'builder', node: site.node, via, table: value.model.table, operation: op, library: 'prisma', heuristic: value.heuristic }];
    if (op === 'delete') {
      for (const e of deleteEffects(prismaDeleteActions(facts), value.model.name)) {
        out.push({ kind: 'builder', node: site.node, via: `${via} through the foreign key (${e.path}, schema.prisma)`, table: facts.byName.get(e.table)?.table ?? e.table, operation: e.operation, library: 'prisma', heuristic: value.heuristic });
      }
    }
    return out;
  });
}

/** `data: { expenses: { create: … } }`: writes to related models, recursively. */
function nested(data: ts.Expression, model: PrismaModel, ctx: SinkContext, emit: (table: string, op: WriteOperation) => void, depth = 0): void {
  if (depth > 8) return;
  const lit = objectLiteral(data, ctx);
  if (!lit) return;
  for (const p of lit.obj.properties) {
    if (!ts.isPropertyAssignment(p)) continue;
    const field = propertyNameText(p.name);
    const rel = field ? model.relations.get(field) : undefined;
    const related = rel && ctx.facts.prisma.byName.get(rel.model);
    if (!related) continue;
    const inner = objectLiteral(p.initializer, ctx, lit.module);
    if (!inner) continue;
    for (const q of inner.obj.properties) {
      if (!ts.isPropertyAssignment(q)) continue;
      const key = propertyNameText(q.name);
      const op = key ? NESTED.get(key) : undefined;
      if (!op) continue;
      // connect/set/disconnect change the foreign key, which lives on the related row only for a list relation.
      if ((key === 'connect' || key === 'set' || key === 'disconnect') && !rel.list) continue;
      emit(related.table, op);
      const payload = objectLiteral(q.initializer, ctx, inner.module);
      const innerData = payload ? (ownProperty(payload.obj, 'data') ?? ownProperty(payload.obj, 'create') ?? q.initializer) : q.initializer;
      nested(innerData, related, ctx, emit, depth + 1);
    }
  }
}
