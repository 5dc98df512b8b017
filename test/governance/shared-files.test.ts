import { describe, expect, it } from 'vitest';
import { runChecks } from '../../checks/index.js';
import type { ModuleIndex } from '../../src/ts-analysis/module-index.js';
import { fixtureRepo } from './fixtures.js';

describe('check all shares one file set', () => {
  it('reads each file from disk once and parses each module once across single-writer and security', async () => {
    const files: Record<string, string> = { 'src/db.ts': `import { Pool } from 'pg';\nexport const pool = new Pool();\n`, CODEOWNERS: '* @org/t\n' };
    for (let i = 0; i < 30; i++) files[`src/m${i}.ts`] = `import { pool } from './db';\nimport { x${(i + 1) % 30} } from './m${(i + 1) % 30}';\nexport const x${i} = 1;\nexport const f${i} = () => pool.query('SELECT 1');\n`;
    const dir = fixtureRepo(files);
    const { runs, files: shared } = await runChecks({ ids: ['single-writer', 'security', 'codeowners'], cwd: dir, warn: () => {} });
    expect(runs.map((r) => r.checkId)).toEqual(['single-writer', 'security', 'codeowners']);
    expect(shared.diskReads).toBe(shared.readCount);
    const index = shared.shared<ModuleIndex>('module-index', () => {
      throw new Error('the index should exist already');
    });
    expect(index.parses).toBe(31);
    expect(runs[1]!.stats!.codeFiles).toBe(31);
  });
});
