import { patternRule } from '../define-rule.js';

/** PyPI API tokens are macaroons whose base64 always starts with the same location header ("pypi.org"). */
export const pypiUploadToken = patternRule({
  name: 'pypi-upload-token',
  title: 'PyPI upload token',
  keywords: ['pypi-ageichlwas5vcmc'],
  patterns: [/pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}/],
  minEntropy: 3,
});
