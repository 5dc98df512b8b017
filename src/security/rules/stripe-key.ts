import { patternRule } from '../define-rule.js';

/** Stripe secret and restricted keys (gitleaks: stripe-access-token). Publishable `pk_` keys are public. */
export const stripeKey = patternRule({
  name: 'stripe-key',
  title: 'Stripe secret or restricted key',
  keywords: ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_'],
  patterns: [/\b(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,99}\b/],
  minEntropy: 2,
});
