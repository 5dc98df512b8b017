import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintRuleCreator } from '@secretlint/types';
import type { SecretRule } from './define-rule.js';
import { azureAdClientSecret } from './rules/azure-ad-client-secret.js';
import { azureStorageKey } from './rules/azure-storage-key.js';
import { gcpServiceAccount } from './rules/gcp-service-account.js';
import { genericSecretAssignment } from './rules/generic-secret-assignment.js';
import { gitlabToken } from './rules/gitlab-token.js';
import { googleApiKey } from './rules/google-api-key.js';
import { jwt } from './rules/jwt.js';
import { mongodbUrlPassword } from './rules/mongodb-url-password.js';
import { mysqlUrlPassword } from './rules/mysql-url-password.js';
import { npmrcAuthToken } from './rules/npmrc-auth-token.js';
import { pgpasswordAssignment } from './rules/pgpassword-assignment.js';
import { postgresUrlPassword } from './rules/postgres-url-password.js';
import { privateKeyBlock } from './rules/private-key-block.js';
import { pypiUploadToken } from './rules/pypi-upload-token.js';
import { redisUrlPassword } from './rules/redis-url-password.js';
import { slackWorkflowWebhook } from './rules/slack-workflow-webhook.js';
import { stripeKey } from './rules/stripe-key.js';
import { twilioApiKey } from './rules/twilio-api-key.js';
import { twilioAuthToken } from './rules/twilio-auth-token.js';

/**
 * What finbrain needs to know about each rule of secretlint's recommended
 * preset: the keywords that must occur for it to run, its titles, options.
 * Keywords are lower-case, as in gitleaks' config.
 */
const PRESET: Record<string, Omit<SecretRule, 'id' | 'creator'>> = {
  '@secretlint/secretlint-rule-aws': {
    title: 'AWS credential',
    // The secret-key pattern needs `secret` + `access` + `key` in one name (secret_access_key, SecretAccessKey).
    keywords: ['akia', 'a3t', 'agpa', 'aida', 'aroa', 'aipa', 'anpa', 'anva', 'asia', 'secret_access', 'secretaccess'],
    priority: 3,
    // The access key id (AKIA…) is off by default in secretlint; the account id is not a secret.
    options: { enableIDScanRule: true },
    allowMessageIds: ['AWSAccountID'],
    titles: { AWSAccessKeyID: 'AWS access key id', AWSSecretAccessKey: 'AWS secret access key' },
  },
  '@secretlint/secretlint-rule-gcp': { title: 'Google service-account key (JSON)', keywords: ['private_key'], priority: 3 },
  '@secretlint/secretlint-rule-privatekey': { title: 'private key', keywords: ['private key'], priority: 2 },
  '@secretlint/secretlint-rule-npm': {
    title: 'npm token',
    keywords: ['npm_', '_authtoken', 'x-oauth-basic'],
    priority: 3,
    titles: { NPM_ACCESS_TOKEN: 'npm access token', Npmrc_authToken: 'npm auth token in .npmrc', PackageJSON_xOauthToken: 'GitHub token in a package URL' },
  },
  '@secretlint/secretlint-rule-basicauth': { title: 'password in a URL (basic auth)', keywords: ['://'], priority: 1 },
  '@secretlint/secretlint-rule-slack': {
    title: 'Slack token',
    keywords: ['xoxb-', 'xoxp-', 'xapp-', 'xoxa-', 'xoxo-', 'xoxr-', 'hooks.slack.com'],
    priority: 3,
    titles: { SLACK_TOKEN: 'Slack token', IncomingWebhook: 'Slack incoming webhook' },
  },
  '@secretlint/secretlint-rule-sendgrid': { title: 'SendGrid API key', keywords: ['sg.'], priority: 3 },
  '@secretlint/secretlint-rule-shopify': { title: 'Shopify token', keywords: ['shppa_', 'shpca_', 'shpat_', 'shpss_'], priority: 3 },
  '@secretlint/secretlint-rule-github': { title: 'GitHub token', keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], priority: 3 },
  '@secretlint/secretlint-rule-openai': { title: 'OpenAI API key', keywords: ['t3blbkfj'], priority: 3 },
  '@secretlint/secretlint-rule-anthropic': { title: 'Anthropic API key', keywords: ['sk-ant-'], priority: 3 },
  '@secretlint/secretlint-rule-linear': { title: 'Linear API key', keywords: ['lin_api_'], priority: 3 },
  '@secretlint/secretlint-rule-1password': { title: '1Password service-account token', keywords: ['ops_'], priority: 3 },
  '@secretlint/secretlint-rule-database-connection-string': {
    title: 'database connection string with a password',
    keywords: ['mongodb', 'mysql', 'postgres'],
    priority: 1,
    titles: { MongoDBConnection: 'MongoDB connection string with a password', MySQLConnection: 'MySQL connection string with a password', PostgreSQLConnection: 'Postgres connection string with a password' },
  },
  // Honours `secretlint-disable` comments in scanned files.
  '@secretlint/secretlint-rule-filter-comments': { title: 'secretlint-disable comment', keywords: ['secretlint-disable'], priority: 0 },
};

/** finbrain's own rules: only where secretlint has none, or misses what gitleaks finds. One file each in rules/. */
const FINBRAIN: SecretRule[] = [
  stripeKey,
  gitlabToken,
  pypiUploadToken,
  googleApiKey,
  gcpServiceAccount,
  azureAdClientSecret,
  azureStorageKey,
  twilioApiKey,
  twilioAuthToken,
  jwt,
  privateKeyBlock,
  slackWorkflowWebhook,
  postgresUrlPassword,
  mysqlUrlPassword,
  mongodbUrlPassword,
  redisUrlPassword,
  pgpasswordAssignment,
  npmrcAuthToken,
  genericSecretAssignment,
];

function fromPreset(): SecretRule[] {
  return (presetRules as SecretLintRuleCreator[]).map((creator) => {
    const meta = PRESET[creator.meta.id];
    // A rule a newer preset adds runs on every text until it is given keywords here.
    return { id: creator.meta.id, creator, ...(meta ?? { title: creator.meta.id.replace('@secretlint/secretlint-rule-', ''), keywords: [], priority: 2 }) };
  });
}

export const SECRET_RULES: SecretRule[] = [...fromPreset(), ...FINBRAIN];

/** The id findings carry: `secretlint/<name>` for secretlint's rules, `finbrain/<name>` for ours. */
export function shortRuleId(id: string): string {
  return id.replace('@secretlint/secretlint-rule-', 'secretlint/');
}
