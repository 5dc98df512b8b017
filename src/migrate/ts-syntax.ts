import { RevisionError } from '../errors.js';
import type { RevisionFile } from '../revisions/revision-file.js';

/**
 * Every TS revision of a plan must parse before the first one runs: a syntax
 * error found mid-run would leave the earlier revisions applied. esbuild (the
 * transformer tsx runs revisions with) checks the syntax; types are not
 * checked, and no TypeScript compiler is loaded.
 */
export async function checkTsSyntax(files: RevisionFile[]): Promise<void> {
  const { transform } = await import('esbuild');
  const problems: string[] = [];
  await Promise.all(
    files.map(async (f) => {
      try {
        await transform(f.content, { loader: 'ts', format: 'esm', sourcefile: f.relPath, logLevel: 'silent' });
      } catch (e) {
        const errors = (e as { errors?: { text: string; location: { line: number; column: number } | null }[] }).errors ?? [];
        if (!errors.length) throw e;
        for (const m of errors) problems.push(`${f.relPath}:${m.location ? `${m.location.line}:${m.location.column + 1}` : '1'}: ${m.text}`);
      }
    }),
  );
  if (problems.length) {
    const files_ = [...new Set(problems.map((p) => p.split(':')[0]!))];
    throw new RevisionError(`TypeScript revision(s) do not parse, so nothing was run:\n${problems.sort().join('\n')}`, {
      files: files_,
      hint: 'Fix the syntax errors above (the revision is transformed by esbuild when it runs, as tsx does).',
    });
  }
}
