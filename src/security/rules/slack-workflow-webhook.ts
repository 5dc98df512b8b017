import { patternRule } from '../define-rule.js';

/** Slack workflow and trigger webhooks (secretlint's slack rule covers `/services/` incoming webhooks). */
export const slackWorkflowWebhook = patternRule({
  name: 'slack-workflow-webhook',
  title: 'Slack workflow webhook',
  keywords: ['hooks.slack.com'],
  patterns: [/(?:https?:\/\/)?hooks\.slack\.com\/(?:workflows|triggers)\/[A-Za-z0-9+/]{43,56}/],
});
