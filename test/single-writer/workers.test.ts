import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeTree } from '../helpers/tmp.js';

/** Worker threads only run from the built tool (dist/), so this goes through the CLI. */
describe('worker threads over file shards', () => {
  it('two workers find exactly what one thread finds, with the same cache semantics', async () => {
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'svc', dependencies: { pg: '8' } }),
      'src/db.ts': `import { Pool } from 'pg';\nexport const pool = new Pool();\n`,
      'src/tables.ts': `export const T = 'expenses';\n`,
    };
    for (let i = 0; i < 1300; i++) {
      files[`src/m/m${i}.ts`] = `import { pool } from '../db';\nimport { T } from '../tables';\nexport const f${i} = () => pool.query(${i % 97 === 0 ? '`DELETE FROM ${T}`' : "'SELECT 1'"});\n`;
    }
    const dir = makeTree(files);
    const run = async (workers: number, cache = false) => {
      writeFileSync(join(dir, 'finbrain.config.json'), JSON.stringify({ singleWriter: { protectedTables: ['expenses'], workers, cache } }));
      const r = await runCli(['check', 'single-writer', '--json'], { cwd: dir });
      const out = JSON.parse(r.stdout);
      return { findings: out.findings.map((f: { file: string; line: number; ruleId: string }) => `${f.file}:${f.line} ${f.ruleId}`).sort(), stats: out.summary.checks['single-writer'] };
    };
    const one = await run(1);
    expect(one.findings).toHaveLength(14);
    expect(one.findings[0]).toBe('src/m/m0.ts:3 single-writer/protected-write');
    const two = await run(2, true);
    expect(two.findings).toEqual(one.findings);
    // Results written by the workers carry their dependencies: changing the shared constant re-analyses its importers.
    writeFileSync(join(dir, 'src/tables.ts'), `export const T = 'audit';\n`);
    const after = await run(2, true);
    expect(after.findings).toEqual([]);
    // Re-analysed: tables.ts and the 14 files whose SQL folds T; the 1287 others never read it.
    expect(after.stats.cachedFiles).toBe(1302 - 1 - 14);
  }, 120_000);
});
