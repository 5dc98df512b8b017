import type { Finding } from '../findings/finding.js';

/**
 * A tracked file the secret scan could not read as text. Reported as a note
 * in every format, so nothing is skipped silently.
 */
export function notScanned(file: string, why: string, hint: string): Finding {
  return { ruleId: 'security/not-scanned', severity: 'note', file, line: 1, column: 1, message: `${why}: not scanned for secrets`, hint };
}

export const BINARY_HINT = 'No text scanner finds secrets in binary files: keep keys, keystores and dumps out of git, or check this one by hand.';

export function oversized(file: string, size: number, max: number): Finding {
  return notScanned(
    file,
    `${(size / 1e6).toFixed(1)} MB, over checks.security.maxFileBytes (${max} bytes)`,
    'Raise checks.security.maxFileBytes to scan it, or stop tracking generated or bundled files.',
  );
}
