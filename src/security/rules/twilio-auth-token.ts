import { patternRule } from '../define-rule.js';

/** A Twilio account auth token (32 hex digits) assigned to a name that says twilio. */
export const twilioAuthToken = patternRule({
  name: 'twilio-auth-token',
  title: 'Twilio auth token',
  keywords: ['twilio'],
  patterns: [/twilio[\w.-]{0,30}?(?:auth|token|secret)[\w.-]{0,20}['"]?\s*(?:=|:|=>|:=)\s*['"`]?(?<secret>[0-9a-f]{32})\b/i],
  secretGroup: 'secret',
  minEntropy: 3,
});
