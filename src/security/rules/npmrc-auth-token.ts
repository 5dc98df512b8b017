import type { SecretLintRuleCreator } from '@secretlint/types';

/**
 * Registry credentials in .npmrc: `//registry/:_authToken=…`, `_auth=…`,
 * `_password=…`. An `${ENV}` reference is the safe form and not a finding.
 */
const AUTH = /^\s*(?:\/\/[^\s=]*:)?(_authToken|_auth|_password)\s*=\s*(\S+)\s*$/gm;

export const npmrcAuthTokenRule: SecretLintRuleCreator = {
  messages: {
    NPMRC_TOKEN: {
      en: (props: { key: string; value: string }) => `found an npm registry credential (${props.key}) in .npmrc: ${props.value}`,
    },
  },
  meta: {
    id: 'finbrain/npmrc-auth-token',
    type: 'scanner',
    recommended: true,
    supportedContentTypes: ['text'],
  },
  create(context) {
    const t = context.createTranslator(npmrcAuthTokenRule.messages);
    return {
      file(source) {
        const path = source.filePath ?? '';
        if (!/(^|[\\/])\.npmrc$/.test(path)) return;
        for (const m of source.content.matchAll(AUTH)) {
          if (/^\$\{[^}]+\}$/.test(m[2]!)) continue;
          const start = m.index! + m[0].indexOf(m[2]!);
          context.report({ message: t('NPMRC_TOKEN', { key: m[1]!, value: m[2]! }), range: [start, start + m[2]!.length] });
        }
      },
    };
  },
};
