import { patternRule } from '../define-rule.js';

/** Twilio API key secrets' SIDs: `SK` and 32 hex digits. */
export const twilioApiKey = patternRule({
  name: 'twilio-api-key',
  title: 'Twilio API key',
  keywords: ['sk'],
  patterns: [/\bSK[0-9a-fA-F]{32}\b/],
  minEntropy: 3,
});
