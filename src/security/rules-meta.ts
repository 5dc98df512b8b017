import type { RuleMeta } from '../findings/finding.js';

export const SECURITY_RULES: RuleMeta[] = [
  {
    id: 'security/committed-env-file',
    shortDescription: 'An environment file is tracked by git',
    fullDescription: 'Environment files (.env, .env.*, *.env) hold credentials and must not be committed; templates such as .env.example may be, when every value is empty or a placeholder.',
    help: 'git rm --cached <file>, add it to .gitignore, commit, and rotate every credential it contained (they are in the history).',
    defaultSeverity: 'error',
  },
  {
    id: 'security/env-template-value',
    shortDescription: 'An env template carries a real value',
    fullDescription: 'A committed env template (.env.example, .env.sample) must only have empty values or placeholders.',
    help: 'Replace the value with a placeholder such as <your-value>, and rotate it if it was real.',
    defaultSeverity: 'error',
  },
  {
    id: 'security/secret',
    shortDescription: 'A secret is committed',
    fullDescription:
      'A credential in a tracked file, found by secretlint\'s recommended preset and finbrain\'s rules for what it misses (Stripe, GitLab, PyPI, Google API keys, Azure, Twilio, JWTs, database URLs with a password, PGPASSWORD, high-entropy values assigned to secret-like names), plain, base64-encoded or split over string literals. The finding\'s `detector` names the rule; the secret is masked in every format.',
    help: 'Remove it, load it from the environment or a secret store, and rotate it: it is in the git history. A false positive can be allowed in checks.security.allow with a reason, or with an inline `finbrain-ignore-secret: <reason>` comment.',
    defaultSeverity: 'error',
  },
  {
    id: 'security/secret-in-history',
    shortDescription: 'A secret is in the git history',
    fullDescription: 'A commit added a credential that is no longer in the working tree (`check security --history`). Every clone and fork still has it.',
    help: 'Rotate the credential now. Removing it from HEAD did not un-leak it; rewriting history (git filter-repo) only helps once it is revoked.',
    defaultSeverity: 'error',
  },
  {
    id: 'security/not-scanned',
    shortDescription: 'A tracked file was not scanned for secrets',
    fullDescription: 'A binary file (a NUL byte, and no UTF-16 byte-order mark), a file over checks.security.maxFileBytes, a symbolic link, a submodule, or a file missing from the working tree: nothing is skipped silently.',
    help: 'Keep binary keys and dumps out of git; raise checks.security.maxFileBytes to scan a large text file.',
    defaultSeverity: 'note',
  },
  {
    id: 'security/sql-injection',
    shortDescription: 'SQL built from a non-constant value reaches a query',
    fullDescription: 'Concatenating or interpolating a runtime value into SQL text passed to query() is an injection risk.',
    help: 'Pass values as parameters ($1, $2 …) or use a tagged sql`…` template; quote identifiers with a whitelist.',
    defaultSeverity: 'error',
  },
  {
    id: 'security/eval',
    shortDescription: 'eval or new Function',
    fullDescription: 'eval and the Function constructor run strings as code.',
    help: 'Remove it; parse data with JSON.parse or use a lookup table.',
    defaultSeverity: 'error',
  },
  {
    id: 'security/shell-injection',
    shortDescription: 'A shell command built from a non-constant value',
    fullDescription: 'child_process exec/execSync, or spawn/execFile with shell: true, run a shell; a non-constant command is an injection risk.',
    help: 'Use execFile/spawn without a shell and pass arguments as an array.',
    defaultSeverity: 'error',
  },
];
