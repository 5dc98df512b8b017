import type { ChalkInstance } from 'chalk';
import type { VerifyResult, VerifyStep } from '../verify/verify.js';

export function renderVerifyStep(s: VerifyStep, c: ChalkInstance): string {
  const head =
    s.status === 'ok'
      ? `${c.green('✓')} ${s.revision} ${s.summary}: up, down, up leave the schema as expected`
      : s.status === 'irreversible'
        ? `${c.yellow('•')} ${s.revision} ${s.summary}: irreversible (no down), not verified`
        : `${c.red('✖')} ${s.revision} ${s.summary} (${s.file}): ${s.status === 'down-mismatch' ? 'down does not restore the schema from before its up' : 'up after down does not rebuild the same schema'}`;
  return s.diff ? `${head}\n${s.diff.map((l) => `    ${l.startsWith('-') ? c.red(l) : c.green(l)}`).join('\n')}` : head;
}

export function renderVerify(r: VerifyResult, c: ChalkInstance): string {
  const lines = r.steps.map((s) => renderVerifyStep(s, c));
  lines.push(
    r.ok
      ? `${r.steps.filter((s) => s.status === 'ok').length} revision(s) verified on ${r.database}${r.steps.some((s) => s.status === 'irreversible') ? ` (${r.steps.filter((s) => s.status === 'irreversible').length} irreversible)` : ''}`
      : c.red(`rollback safety failed at ${r.firstFailure} (on ${r.database}); '-' lines are expected but missing, '+' lines are left over`),
  );
  return `${lines.join('\n')}\n`;
}
