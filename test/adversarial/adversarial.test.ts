import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../helpers/backends.js';
import { baselineSnapshot, makeRig, rigLifecycle, type Backend, type Rig } from '../protection/setup.js';
import { layerOf } from './layers.js';
import { ROUTES } from './routes.js';

/**
 * The adversarial suite: every route in routes.ts, on every backend it
 * applies to. After each: the table, its audit trail and its idempotency
 * records are exactly as before (checksums through the writer's own
 * connection), and the layer that refused it is the one the route (and the
 * README table rendered from it) claims. A documented gap ("gets through") is
 * asserted to get through, so the table cannot understate it either.
 */
rigLifecycle();

for (const backend of ['pglite', 'postgres'] as Backend[]) {
  const routes = ROUTES.filter((r) => r.expect[backend]);
  describe.skipIf(backend === 'postgres' && !TEST_DATABASE_URL)(`adversarial routes [${backend}]`, () => {
    let shared: Rig;
    beforeAll(async () => {
      shared = await makeRig(backend);
    });
    afterAll(() => shared?.close());

    it.each(routes.map((r) => [r.id, r]))('%s', async (_id, route) => {
      const expected = route.expect[backend]!;
      const fresh = route.fresh || route.owner !== undefined || expected === 'gets through';
      const rig = fresh ? await makeRig(backend, { beforeGuard: route.owner && ((o) => route.owner!(o, shared.protection)) }) : shared;
      try {
        let error: unknown = rig.ownerError;
        let neutralised: string | undefined;
        if (route.attack || (route.sql && !route.owner)) {
          // The owner's steps set the scene; the attack is what must be refused.
          if (route.attack && route.owner) expect(error, 'the owner steps failed').toBeUndefined();
          try {
            const r = route.attack ? await route.attack(rig) : void (await rig.query(route.sql!(rig.protection)));
            neutralised = r?.neutralised;
          } catch (e) {
            error = e;
          }
        }
        const after = await rig.snapshot();
        if (expected === 'gets through') {
          expect(error).toBeUndefined();
          expect(after).not.toEqual(await baselineSnapshot(backend));
          return;
        }
        expect(neutralised ?? layerOf(error), `stopped by: ${String((error as Error)?.message ?? error)}`).toBe(expected);
        expect(after).toEqual(await baselineSnapshot(backend));
      } finally {
        if (route.cleanup && rig.owner) await route.cleanup(rig.owner, rig.protection);
        if (fresh) await rig.close();
      }
    });
  });
}

describe.skipIf(!TEST_DATABASE_URL)('adversarial routes: what stands behind the runtime guard [postgres]', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await makeRig('postgres');
  });
  afterAll(() => rig?.close());

  const behind = ROUTES.filter((r) => r.behind && r.sql);
  it.each(behind.map((r) => [r.id, r]))('%s', async (_id, route) => {
    const c = new pg.Client({ connectionString: rig.url!('app') });
    c.on('error', () => {});
    await c.connect();
    let error: unknown;
    try {
      await c.query('BEGIN');
      await c.query(route.sql!(rig.protection)).catch((e) => (error = e));
    } finally {
      await c.query('ROLLBACK').catch(() => {});
      await c.end();
    }
    expect(layerOf(error), String((error as Error)?.message ?? error)).toBe(route.behind);
    expect(await rig.snapshot()).toEqual(await baselineSnapshot('postgres'));
  });
});
