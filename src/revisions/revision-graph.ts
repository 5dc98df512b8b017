import { RevisionError } from '../errors.js';
import type { RevisionFile } from './revision-file.js';

/**
 * The revision graph: Alembic semantics. Order is always the chain (a
 * topological order from the base), never the file-name order.
 */
export class RevisionGraph {
  readonly byId: ReadonlyMap<string, RevisionFile>;
  readonly children: ReadonlyMap<string, string[]>;
  /** Every revision, parents before children; ties broken by Create Date, then id, so the order is stable. */
  readonly order: RevisionFile[];

  constructor(files: RevisionFile[]) {
    const byId = new Map<string, RevisionFile>();
    for (const f of files) {
      const other = byId.get(f.revision);
      if (other) {
        throw new RevisionError(`duplicate revision id ${f.revision} in ${other.relPath} and ${f.relPath}`, {
          files: [other.relPath, f.relPath],
          revision: f.revision,
          hint: 'Give one of them a fresh id (`finbrain migrate new` makes one) and update any `Revises:` that should point to it.',
        });
      }
      byId.set(f.revision, f);
    }
    const children = new Map<string, string[]>();
    for (const f of files) children.set(f.revision, []);
    for (const f of files) {
      for (const p of f.parents) {
        if (!byId.has(p)) {
          throw new RevisionError(`${f.relPath}: Revises: names unknown revision ${p}`, {
            files: [f.relPath],
            revision: f.revision,
            hint: `Point \`Revises:\` at an existing revision (see \`finbrain migrate heads\`), or restore the file of ${p}.`,
          });
        }
        children.get(p)!.push(f.revision);
      }
    }
    this.byId = byId;
    this.children = children;
    this.order = this.topologicalOrder(files);
  }

  private topologicalOrder(files: RevisionFile[]): RevisionFile[] {
    const rank = (f: RevisionFile) => `${f.createDate ?? ''}\u0000${f.revision}`;
    const remaining = new Map(files.map((f) => [f.revision, f.parents.length]));
    let ready = files.filter((f) => f.parents.length === 0).sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
    const out: RevisionFile[] = [];
    while (ready.length) {
      const f = ready.shift()!;
      out.push(f);
      const next: RevisionFile[] = [];
      for (const c of this.children.get(f.revision)!) {
        const left = remaining.get(c)! - 1;
        remaining.set(c, left);
        if (left === 0) next.push(this.byId.get(c)!);
      }
      if (next.length) ready = [...ready, ...next].sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
    }
    if (out.length !== files.length) {
      const stuck = files.filter((f) => !out.includes(f));
      const cycle = this.findCycle(stuck);
      throw new RevisionError(`the revisions form a cycle: ${cycle.map((f) => f.revision).join(' -> ')}`, {
        files: cycle.map((f) => f.relPath),
        hint: 'Fix the `Revises:` lines in these files so the chain runs one way from the base.',
      });
    }
    return out;
  }

  private findCycle(stuck: RevisionFile[]): RevisionFile[] {
    // Follow parents inside the stuck set until a revision repeats.
    const inStuck = new Set(stuck.map((f) => f.revision));
    let cur = stuck[0]!;
    const seen: RevisionFile[] = [];
    while (!seen.includes(cur)) {
      seen.push(cur);
      const p = cur.parents.find((id) => inStuck.has(id));
      if (!p) break;
      cur = this.byId.get(p)!;
    }
    const start = seen.indexOf(cur);
    return [...seen.slice(start >= 0 ? start : 0), cur].reverse();
  }

  get size(): number {
    return this.order.length;
  }

  get(id: string): RevisionFile | undefined {
    return this.byId.get(id);
  }

  /** Revisions nobody revises, in chain order. */
  heads(): string[] {
    return this.order.filter((f) => this.children.get(f.revision)!.length === 0).map((f) => f.revision);
  }

  /** `id` and everything it depends on. */
  ancestors(id: string): Set<string> {
    const out = new Set<string>();
    const stack = [id];
    while (stack.length) {
      const cur = stack.pop()!;
      if (out.has(cur)) continue;
      out.add(cur);
      stack.push(...this.byId.get(cur)!.parents);
    }
    return out;
  }

  /** `id` and everything that depends on it. */
  descendants(id: string): Set<string> {
    const out = new Set<string>();
    const stack = [id];
    while (stack.length) {
      const cur = stack.pop()!;
      if (out.has(cur)) continue;
      out.add(cur);
      stack.push(...this.children.get(cur)!);
    }
    return out;
  }

  /**
   * Resolves a user-given revision: a full id, a unique prefix, `head` (the
   * single head) or `base`. Throws RevisionError for anything else.
   */
  resolve(target: string, what = 'target'): string | 'base' {
    if (target === 'base') return 'base';
    if (target === 'head' || target === 'heads') {
      const heads = this.heads();
      if (heads.length > 1) throw multipleHeadsError(heads, this);
      if (heads.length === 0) return 'base';
      return heads[0]!;
    }
    if (this.byId.has(target)) return target;
    const matches = [...this.byId.keys()].filter((id) => id.startsWith(target));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new RevisionError(`${what} "${target}" is ambiguous: it matches ${matches.join(', ')}`, {
        hint: 'Give more characters of the revision id.',
      });
    }
    throw new RevisionError(`unknown ${what} revision "${target}"`, {
      hint: 'Use a revision id from `finbrain migrate history`, `head` or `base`.',
    });
  }
}

export function multipleHeadsError(heads: string[], graph: RevisionGraph): RevisionError {
  return new RevisionError(`there are ${heads.length} heads: ${heads.map((h) => `${h} (${graph.get(h)?.relPath})`).join(', ')}`, {
    files: heads.map((h) => graph.get(h)!.relPath),
    hint: 'Join them with `finbrain migrate merge`, or pick one with `--to <revision>`.',
  });
}
