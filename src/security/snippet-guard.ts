import type { CheckRun, Finding } from '../findings/finding.js';
import { lineLooksSafe } from './line-safety.js';
import { maskLine } from './mask-secret.js';
import { maskSpans } from './secret-findings.js';
import { TextLines } from './text-lines.js';

/**
 * The last guard before any reporter: every check's code frames (single-writer,
 * migration lint, codeowners, not only security) get the secrets on their
 * lines masked, and a frame that still holds something token-like is dropped
 * (the finding keeps its file, line and column). Reporters stay pure.
 */
export async function guardSnippets(runs: CheckRun[]): Promise<void> {
  if (!runs.some((r) => r.findings.some((f) => f.snippet))) return;
  const { detectSecrets } = await import('./detect.js');
  for (const run of runs) {
    run.findings = await Promise.all(
      run.findings.map(async (f): Promise<Finding> => {
        if (!f.snippet) return f;
        const lines = new TextLines(f.snippet.lines.join('\n'));
        const spans = maskSpans(await detectSecrets(lines.text, f.file));
        const safe = f.snippet.lines.every((_, i) => lineLooksSafe(maskLine(lines.line(i + 1), lines.starts[i]!, spans, ' ')));
        const { snippet: _dropped, ...rest } = f;
        if (!safe) return rest;
        return { ...f, snippet: { startLine: f.snippet.startLine, lines: f.snippet.lines.map((_, i) => maskLine(lines.line(i + 1), lines.starts[i]!, spans)) } };
      }),
    );
  }
}
