import { describe, expect, it } from 'vitest';
import { readmeTable, renderLayerTable, staticCheckSees } from './layer-table.js';
import { ROUTES } from './routes.js';
import { initSqlParser } from '../../src/sql/index.js';

describe('the README layer table', () => {
  it('is exactly what the adversarial route list renders (regenerate: npx tsx test/adversarial/layer-table.ts --write)', async () => {
    expect(readmeTable()).toBe(await renderLayerTable());
  });

  it('counts 80+ routes, each with a unique id', () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(80);
    expect(new Set(ROUTES.map((r) => r.id)).size).toBe(ROUTES.length);
  });

  it('marks the static check only where the shared classifier finds a protected write', async () => {
    await initSqlParser();
    const byId = Object.fromEntries(ROUTES.map((r) => [r.id, staticCheckSees(r)]));
    expect(byId).toMatchObject({ delete: true, do: true, 'do-execute-concat': true, 'function-sql': true, 'do-execute-computed': false, 'scs-off': false, rule: false });
  });
});
