import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { DeleteAction } from './sinks/delete-actions.js';

/**
 * What Prisma's own schema files say: each model's table (`@@map`, `@@schema`, else
 * the model name), its relation fields, and where each generator writes its client.
 * Read with @mrleebo/prisma-ast, each file once per process run.
 */
const requireHere = createRequire(import.meta.url);

export interface PrismaModel {
  name: string;
  /** `schema.table` when `@@schema` is set. */
  table: string;
  /** Relation fields: field name → related model name and whether it is a list. */
  relations: Map<string, { model: string; list: boolean }>;
  /** `@relation(…, onDelete: Cascade | SetNull | SetDefault)` on this model's fields: what a delete of the parent does here. */
  onParentDelete: { parent: string; field: string; action: 'Cascade' | 'SetNull' | 'SetDefault' }[];
}

export interface PrismaFacts {
  /** By client property (`expense` for model `Expense`). */
  byDelegate: Map<string, PrismaModel>;
  byName: Map<string, PrismaModel>;
  schemaFiles: string[];
  problems: { file: string; message: string }[];
}

const deleteActionsOf = new WeakMap<PrismaFacts, DeleteAction[]>();

/** The delete actions of the schema's relations (`@relation(…, onDelete: Cascade)`), by model name; built once per schema reading. */
export function prismaDeleteActions(facts: PrismaFacts): DeleteAction[] {
  const hit = deleteActionsOf.get(facts);
  if (hit) return hit;
  const out: DeleteAction[] = [];
  deleteActionsOf.set(facts, out);
  for (const child of facts.byName.values()) {
    for (const r of child.onParentDelete) {
      const action = r.action === 'Cascade' ? 'cascade' : r.action === 'SetNull' ? 'set null' : 'set default';
      out.push({ parent: r.parent, child: child.name, action, label: `${child.name}.${r.field} onDelete: ${r.action}` });
    }
  }
  return out;
}

type PrismaAst = { list: { type: string; name?: string; properties?: PrismaProp[]; assignments?: { type: string; key: string; value: unknown }[] }[] };
type PrismaProp = { type: string; name: string; fieldType?: unknown; array?: boolean; args?: { value: unknown }[]; attributes?: { name: string; args?: { value: unknown }[] }[] };

/** `@relation(fields: […], references: […], onDelete: Cascade)`: the value of one named argument. */
function relationArg(p: PrismaProp, key: string): string | undefined {
  const rel = p.attributes?.find((a) => a.name === 'relation');
  for (const a of rel?.args ?? []) {
    const v = a.value as { type?: string; key?: string; value?: unknown } | undefined;
    if (v?.type === 'keyValue' && v.key === key && typeof v.value === 'string') return v.value;
  }
  return undefined;
}

const unquote = (v: unknown) => (typeof v === 'string' ? v.replace(/^"|"$/g, '') : undefined);

/** Each schema file parsed once per process run (the parser is not cheap on a large schema). */
const astCache = new Map<string, { text: string; ast: PrismaAst | Error }>();
function prismaAst(file: string): PrismaAst {
  const text = readFileSync(file, 'utf8');
  const hit = astCache.get(file);
  if (hit && hit.text === text) {
    if (hit.ast instanceof Error) throw hit.ast;
    return hit.ast;
  }
  const { getSchema } = requireHere('@mrleebo/prisma-ast') as { getSchema(text: string): PrismaAst };
  let ast: PrismaAst | Error;
  try {
    ast = getSchema(text);
  } catch (e) {
    ast = e as Error;
  }
  astCache.set(file, { text, ast });
  if (ast instanceof Error) throw ast;
  return ast;
}

export function loadPrisma(files: string[]): PrismaFacts {
  const facts: PrismaFacts = { byDelegate: new Map(), byName: new Map(), schemaFiles: files, problems: [] };
  const models: { name: string; props: PrismaProp[] }[] = [];
  if (!files.length) return facts;
  for (const file of files) {
    let ast: PrismaAst;
    try {
      ast = prismaAst(file);
    } catch (e) {
      facts.problems.push({ file, message: (e as Error).message.split('\n')[0]! });
      continue;
    }
    for (const block of ast.list) if (block.type === 'model' && block.name) models.push({ name: block.name, props: block.properties ?? [] });
  }
  const names = new Set(models.map((m) => m.name));
  for (const m of models) {
    const map = m.props.find((p) => p.type === 'attribute' && p.name === 'map');
    const schema = m.props.find((p) => p.type === 'attribute' && p.name === 'schema');
    const table = unquote(map?.args?.[0]?.value) ?? m.name;
    const schemaName = unquote(schema?.args?.[0]?.value);
    const relations = new Map<string, { model: string; list: boolean }>();
    const onParentDelete: PrismaModel['onParentDelete'] = [];
    for (const p of m.props) {
      if (p.type !== 'field' || typeof p.fieldType !== 'string' || !names.has(p.fieldType)) continue;
      relations.set(p.name, { model: p.fieldType, list: Boolean(p.array) });
      const action = relationArg(p, 'onDelete');
      if (action === 'Cascade' || action === 'SetNull' || action === 'SetDefault') onParentDelete.push({ parent: p.fieldType, field: p.name, action });
    }
    const model: PrismaModel = { name: m.name, table: schemaName ? `${schemaName}.${table}` : table, relations, onParentDelete };
    facts.byName.set(m.name, model);
    facts.byDelegate.set(m.name[0]!.toLowerCase() + m.name.slice(1), model);
  }
  return facts;
}

/** `output = "…"` of each generator (absolute), and whether it is Prisma's client. */
export function prismaOutputs(files: string[]): { dir: string; client: boolean; provider: string }[] {
  const out: { dir: string; client: boolean; provider: string }[] = [];
  if (!files.length) return out;
  for (const file of files) {
    try {
      for (const block of prismaAst(file).list) {
        if (block.type !== 'generator') continue;
        const provider = unquote(block.assignments?.find((a) => a.key === 'provider')?.value);
        const output = unquote(block.assignments?.find((a) => a.key === 'output')?.value);
        // Without an output, generators write next to the schema: the client into node_modules, others (prisma-kysely, zod-prisma-types) into ./generated.
        const client = /prisma-client/.test(provider ?? '');
        if (provider && (output || !client)) out.push({ dir: resolve(dirname(file), output ?? 'generated'), client, provider });
      }
    } catch {
      // reported by loadPrisma
    }
  }
  return out;
}
