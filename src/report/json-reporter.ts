import { summarize, sortFindings, type CheckRun } from '../findings/finding.js';

/** `{"findings":[…],"summary":{…}}`; with several checks, each finding carries its `check`. */
export function renderJson(runs: CheckRun[]): string {
  const findings = runs.flatMap((r) =>
    sortFindings(r.findings).map(({ snippet: _snippet, ...f }) => (runs.length > 1 ? { check: r.checkId, ...f } : f)),
  );
  const summary = {
    ...summarize(findings as never),
    checks: Object.fromEntries(runs.map((r) => [r.checkId, { ...summarize(r.findings), ...(r.stats ?? {}) }])),
  };
  return `${JSON.stringify({ findings, summary }, null, 2)}\n`;
}
