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
    fullDescription: 'secretlint (recommended preset plus finbrain rules for Postgres URLs with passwords and .npmrc tokens) found a credential in a tracked file.',
    help: 'Remove it, load it from the environment or a secret store, and rotate it: it is in the git history. A false positive can be allowed in checks.security.allow with a reason, or with an inline `finbrain-ignore-secret: <reason>` comment.',
    defaultSeverity: 'error',
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
