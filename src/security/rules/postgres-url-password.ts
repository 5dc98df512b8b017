import type { SecretLintRuleCreator } from '@secretlint/types';

/**
 * Postgres connection strings with an inline password: URLs
 * (`postgres://user:pass@host`, `postgresql://…`) and libpq keyword form
 * (`password=…` next to host/dbname keywords). The preset's database rule
 * misses forms FinBrain's configs use; placeholders are not findings.
 */
const URL_FORM = /\bpostgres(?:ql)?:\/\/([^\s:/@'"`]+):([^\s@/'"`]+)@[^\s'"`]+/g;
const KEYWORD_FORM = /\b(?:host|hostaddr|dbname|user)\s*=\s*\S+[^\n]*?\bpassword\s*=\s*('[^']+'|[^\s'";]+)/gi;
const PLACEHOLDER = /^(\$\{[^}]*\}|\$[A-Z_]+|<[^>]*>|\*+|x+|pass|pw|pwd|password|changeme|change_me|secret|placeholder|example|your[-_]?password|\.\.\.|%[a-z_]+%|\{\{[^}]*\}\})$/i;

export const postgresUrlPasswordRule: SecretLintRuleCreator = {
  messages: {
    POSTGRES_PASSWORD: {
      en: (props: { value: string }) => `found a Postgres connection string with an inline password: ${props.value}`,
    },
  },
  meta: {
    id: 'finbrain/postgres-url-password',
    type: 'scanner',
    recommended: true,
    supportedContentTypes: ['text'],
  },
  create(context) {
    const t = context.createTranslator(postgresUrlPasswordRule.messages);
    return {
      file(source) {
        for (const m of source.content.matchAll(URL_FORM)) {
          if (PLACEHOLDER.test(decodeURIComponent(m[2]!))) continue;
          context.report({ message: t('POSTGRES_PASSWORD', { value: m[0] }), range: [m.index!, m.index! + m[0].length] });
        }
        for (const m of source.content.matchAll(KEYWORD_FORM)) {
          if (PLACEHOLDER.test(m[1]!.replace(/^'|'$/g, ''))) continue;
          context.report({ message: t('POSTGRES_PASSWORD', { value: m[0] }), range: [m.index!, m.index! + m[0].length] });
        }
      },
    };
  },
};
