import type { Finding } from '../findings/finding.js';

/**
 * A tracked file the secret scan could not read as text. Reported as a note
 * in every format, so nothing is skipped silently.
 */
export function notScanned(file: string, why: string, hint: string): Finding {
  return { ruleId: 'security/not-scanned', severity: 'note', file, line: 1, column: 1, message: why.includes('not scanned') ? why : `${why}: not scanned for secrets`, hint };
}

export const BINARY_HINT = 'No text scanner finds secrets in binary files: keep keys, keystores and dumps out of git, or check this one by hand.';

export const human = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : bytes >= 1e3 ? `${(bytes / 1e3).toFixed(1)} kB` : `${bytes} bytes`);

export function oversized(file: string, size: number, max: number): Finding {
  return notScanned(
    file,
    `${human(size)}, over checks.security.maxFileBytes (${human(max)})`,
    'Raise checks.security.maxFileBytes to scan it, or stop tracking generated or bundled files.',
  );
}
