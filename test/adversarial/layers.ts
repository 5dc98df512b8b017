import { SingleWriterViolationError } from '../../src/runtime/violation.js';
import { FinbrainError } from '../../src/errors.js';

/**
 * The layers of the single-writer protection, in the order a statement meets
 * them. `writer` is the canonical writer itself (its contract, its catalog
 * check, its revoked handles, its one-time PGlite channel).
 */
export const LAYERS = ['static check', 'runtime guard', 'database privileges', 'trigger', 'event trigger', 'writer'] as const;
export type Layer = (typeof LAYERS)[number];

const WRITER_CODES = new Set(['validation', 'idempotency-conflict', 'protection-missing', 'protection-tampered', 'writer-login', 'transaction-closed']);

/** Which layer an error came from; undefined when it is none of them (the route then fails). */
export function layerOf(e: unknown): Layer | undefined {
  if (e instanceof SingleWriterViolationError) return 'runtime guard';
  if (e instanceof FinbrainError && WRITER_CODES.has(e.code)) return 'writer';
  if (e instanceof Error && e.message.startsWith('the canonical writer of this PGlite instance is already set up')) return 'writer';
  // A pinned Query text: assigning it throws in strict mode.
  if (e instanceof TypeError && /read[- ]only property 'text'/.test(e.message)) return 'runtime guard';
  const code = (e as { code?: string })?.code;
  const message = (e as Error)?.message ?? '';
  // The connection-level check replaces a refused statement with one the server rejects, carrying the guard's message.
  if (message.includes('finbrain runtime guard refused the statement')) return 'runtime guard';
  if (code === '42501') {
    if (message.startsWith('finbrain single-writer guard') || message.startsWith('finbrain audit trail')) return 'trigger';
    if (message.startsWith('finbrain protection of')) return 'event trigger';
    return 'database privileges';
  }
  return undefined;
}
