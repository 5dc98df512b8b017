import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * secretlint 11's profiler is always on: @secretlint/core marks a
 * performance entry for every rule of every lintSource call, and the
 * profiler's observer searches all earlier entries on each one, so the cost
 * grows with the square of the number of texts scanned (secretlint#1633 and
 * #1653; upstream makes it opt-in from v13 with `setEnabled`). On 2000
 * keyword-rich files it was 90% of the scan. finbrain never reads it, so it
 * turns off the copy that @secretlint/core itself imports (resolved from
 * core's own location, so a nested copy is the one silenced).
 */
export async function silenceSecretlintProfiler(): Promise<boolean> {
  try {
    const core = createRequire(import.meta.url).resolve('@secretlint/core');
    const profilerPath = createRequire(core).resolve('@secretlint/profiler');
    const { secretLintProfiler } = (await import(pathToFileURL(profilerPath).href)) as {
      secretLintProfiler: { mark: (marker: unknown) => void; setEnabled?: (enabled: boolean) => void };
    };
    if (typeof secretLintProfiler.setEnabled === 'function') secretLintProfiler.setEnabled(false);
    else secretLintProfiler.mark = () => undefined;
    return true;
  } catch {
    // A layout where it cannot be found: slower, still correct.
    return false;
  }
}
