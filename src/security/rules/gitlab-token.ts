import { patternRule } from '../define-rule.js';

/** GitLab's prefixed tokens (personal, deploy, runner, trigger, CI job, feed, mail, agent, OAuth, SCIM) and the session cookie. */
export const gitlabToken = patternRule({
  name: 'gitlab-token',
  title: 'GitLab token',
  keywords: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'gr1348941', 'glcbt-', 'glffct-', 'glft-', 'glimt-', 'glagent-', 'gloas-', 'glsoat-', '_gitlab_session='],
  patterns: [
    /\b(?<secret>glpat-[\w-]{20,300}(?:\.[0-9a-z]{9})?|glrt-[\w-]{20,300}(?:\.[0-9a-z]{9})?|gldt-[\w-]{20}|glptt-[0-9a-f]{40}|GR1348941[\w-]{20}|glcbt-[0-9a-zA-Z]{1,5}_[\w-]{20}|glffct-[\w-]{20}|glft-[\w-]{20}|glimt-[\w-]{25}|glagent-[\w-]{50}|gloas-[\w-]{64}|glsoat-[\w-]{20})/,
    /_gitlab_session=(?<secret>[0-9a-z]{32})/,
  ],
  secretGroup: 'secret',
  minEntropy: 3,
});
