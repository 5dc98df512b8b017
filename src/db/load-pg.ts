import { createRequire } from 'node:module';
import type PgModule from 'pg';

const require = createRequire(import.meta.url);

/**
 * Loads `pg` without its Cloudflare probe's cost on Node 20.
 *
 * When pg's `lib/stream.js` is first evaluated it asks whether it runs in a Cloudflare
 * Worker: it reads `navigator.userAgent` and, where there is no `navigator` (Node 20),
 * constructs a fetch `Response`, which loads Node's bundled undici: ~35 ms of every
 * command that talks to a server. Node 21+ defines `navigator` (userAgent `Node.js/…`),
 * so the probe answers from that. On Node 20 we give it the same answer for the duration
 * of the synchronous `require` only; the global is removed before any other code runs.
 */
export function loadPg(): typeof PgModule {
  const g = globalThis as { navigator?: unknown };
  if (g.navigator !== undefined) return require('pg') as typeof PgModule;
  Object.defineProperty(globalThis, 'navigator', {
    value: { userAgent: `Node.js/${process.versions.node.split('.')[0]}` },
    configurable: true,
    writable: true,
  });
  try {
    return require('pg') as typeof PgModule;
  } finally {
    delete g.navigator;
  }
}
