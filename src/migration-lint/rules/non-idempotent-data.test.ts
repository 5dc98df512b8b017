import { describe, expect, it } from 'vitest';
import { lintRule } from './lint-kit.test-support.js';

const noTx = { transaction: 'false' as const };

describe('migrations/non-idempotent-data', () => {
  it('flags INSERT without ON CONFLICT, a self-referencing UPDATE and a LIMITed DELETE in a Transaction: false revision', async () => {
    expect(await lintRule('non-idempotent-data', "INSERT INTO p VALUES (1);", noTx)).toEqual(['9 non-idempotent-data']);
    expect(await lintRule('non-idempotent-data', 'UPDATE t SET a = a * 100;', noTx)).toEqual(['9 non-idempotent-data']);
    expect(await lintRule('non-idempotent-data', 'UPDATE t SET a = b::int, b = a::text;', noTx)).toEqual(['9 non-idempotent-data']);
    expect(await lintRule('non-idempotent-data', 'DELETE FROM t WHERE id IN (SELECT id FROM t ORDER BY id LIMIT 100);', noTx)).toEqual(['9 non-idempotent-data']);
  });
  it('accepts statements a re-run cannot repeat', async () => {
    expect(await lintRule('non-idempotent-data', 'INSERT INTO p VALUES (1) ON CONFLICT DO NOTHING;', noTx)).toEqual([]);
    expect(await lintRule('non-idempotent-data', "UPDATE t SET b = 'x' WHERE a = 1;", noTx)).toEqual([]);
    expect(await lintRule('non-idempotent-data', 'DELETE FROM t WHERE a > 5;', noTx)).toEqual([]);
  });
  it('leaves transactional revisions alone: a crash rolls the whole revision back', async () => {
    expect(await lintRule('non-idempotent-data', 'INSERT INTO p VALUES (1);\nUPDATE t SET a = a + 1;')).toEqual([]);
  });
});
