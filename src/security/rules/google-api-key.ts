import { patternRule } from '../define-rule.js';

/** Google (GCP, Firebase, Maps) API keys: `AIza` and 35 more characters. */
export const googleApiKey = patternRule({
  name: 'google-api-key',
  title: 'Google API key',
  keywords: ['aiza'],
  patterns: [/\bAIza[\w-]{35}(?![\w-])/],
  minEntropy: 3.5,
});
