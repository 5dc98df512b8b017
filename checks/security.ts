import { sharedModuleIndex } from './shared-index.js';
import type { Check } from '../src/check-runner/check.js';

/** `finbrain check security`: committed env files, secrets (secretlint + finbrain rules, optionally in git history), dangerous code. */
export const check: Check = {
  id: 'security',
  async run(ctx) {
    const { scanSecurity } = await import('../src/security/scan.js');
    const { SECURITY_RULES } = await import('../src/security/rules-meta.js');
    const flags = ctx.options?.security ?? {};
    const r = await scanSecurity({
      root: ctx.root,
      config: ctx.config,
      files: ctx.files,
      index: () => sharedModuleIndex(ctx),
      warn: ctx.warn,
      history: flags.history === true,
      since: typeof flags.since === 'string' ? flags.since : undefined,
    });
    return { checkId: 'security', rules: SECURITY_RULES, findings: r.findings, stats: r.stats };
  },
};
