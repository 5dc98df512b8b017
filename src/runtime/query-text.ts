/**
 * The text of whatever node-postgres accepts as a query, read ONCE, and the
 * arguments to send instead, which carry exactly that text: a getter that
 * answers differently on its second read, or a Query object whose `text` is
 * changed after `query()` returned, cannot swap the checked text for another.
 */
export interface PinnedQuery {
  text: string;
  args: unknown[];
}

/** Fields node-postgres reads from a query config besides `text`. */
const CONFIG_FIELDS = ['values', 'name', 'rowMode', 'types', 'queryMode', 'binary', 'callback'] as const;

export class UnpinnableQueryError extends Error {}

export function pinQuery(args: unknown[]): PinnedQuery {
  const first = args[0];
  if (typeof first === 'string') return { text: first, args };
  if (!first || typeof first !== 'object') return { text: '', args };
  const config = first as Record<string, unknown>;
  const text = config.text; // the one read
  if (text !== undefined && typeof text !== 'string') throw new UnpinnableQueryError('query text must be a string');
  if (typeof config.submit === 'function') {
    // A Query (submittable) keeps its identity: freeze its text in place.
    try {
      Object.defineProperty(config, 'text', { value: text, writable: false, configurable: false, enumerable: true });
    } catch (e) {
      throw new UnpinnableQueryError(`the query's text cannot be fixed (${(e as Error).message})`);
    }
    return { text: text ?? '', args };
  }
  // A plain config: send a fresh object with data properties only.
  const copy: Record<string, unknown> = { text };
  for (const k of CONFIG_FIELDS) if (k in config) copy[k] = config[k];
  return { text: text ?? '', args: [copy, ...args.slice(1)] };
}
