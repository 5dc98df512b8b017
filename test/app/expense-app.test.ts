import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO } from '../protection/setup.js';

describe('the README runtime example', () => {
  it('runs as documented (npx tsx app/expense-app.ts) and shows every layer', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'app/expense-app.ts'], { cwd: REPO, encoding: 'utf8' });
    expect(out).toContain('created expense 1: 1250.5000 BDT via chat');
    expect(out).toContain('same idempotency key again: replayed=true, id 1');
    expect(out).toContain('same key, different request: idempotency key "demo-request-1" was already used for a different create request');
    expect(out).toContain('runtime guard: single-writer violation: DELETE on protected table public.expenses (in a DO block) outside the canonical writer');
    expect(out).toContain('database: permission denied for table expenses');
    expect(out).toContain('expenses: 1');
    expect(out).toMatch(/finbrain_single_writer_violations_total\{layer="runtime"\} 1/);
  });
});
