import { scannerRule } from '../define-rule.js';
import { shannonEntropy } from '../entropy.js';
import { isPlaceholder } from '../placeholder.js';

/**
 * A high-entropy literal assigned to a name that says it is a secret
 * (`JWT_SECRET=…`, `apiKey: '…'`, `"client_secret": "…"`, `password = …`):
 * the shape of gitleaks' generic-api-key rule, with its entropy threshold
 * (3.5 bits per character), its value shape (`[\w.=~-]` or a base64 run: so
 * `a.b+c.d` expressions in minified code are not values) and its idea of
 * stop words, written for finbrain.
 * It runs last: any provider rule that finds the same value names the finding.
 */
const ASSIGNMENT =
  /(?<name>(?:secret|token|passw(?:or)?d|passwd|pwd|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|credentials?|creds|private[_.-]?key|signing[_.-]?key|encryption[_.-]?key|key)[\w.-]{0,20}?)['"]?[ \t]{0,3}(?::=|=>|\?=|\|\|=|=|:)[ \t]{0,5}['"`]?(?<secret>[\w.~-]{10,150}={0,3}|[A-Za-z0-9][A-Za-z0-9+/]{11,}={0,3})(?=['"`\s;,)\]}]|\\[nr]|$)/dgim;

/** Names in which the keyword means something else. */
const STOP_NAME =
  /(?:public|primary|foreign|sort|partition|cache|idempotency|dedupe?|lookup|map|hash|row|object|i18n|translation|message|react|list|item|unique|composite|natural|surrogate|hot|bucket|schema|sequence|index|idx)[_.-]?key\b|key[_.-]?(?:id|ids|name|names|length|len|size|path|file|type|prefix|alias|code|format|pair|ring|store|board|word|frame|stroke|down|up|press)|keyword|keyboard|keystore|keychain|keyof|monkey|turkey|donkey|hockey|jockey|whiskey|token[_.-]?(?:type|url|uri|endpoint|file|path|count|length|limit|id|name|expires?(?:_in|_at|In|At)?|ttl|usage|kind|pos|position|index|start|end|stream|list|s)\b|(?:csrf|xsrf|public|next|page|continuation|cursor|sync|cancel(?:lation)?|max|total|input|output|prompt|completion)[_.-]?tokens?\b|tokeniz|(?:secret|token|key|password|credential)s?[_.-]?(?:file|path|dir|location)|secret[_.-]?(?:name|ref|arn|id|key[_.-]?ref|length|size|version|manager|store|provider)|passw(?:or)?d[_.-]?(?:field|label|placeholder|length|min|max|policy|reset|hash(?:ed)?|input|prompt|hint|file|rule|confirm|strength|changed?|expir\w*)|credentials?[_.-]?(?:id|provider|file|path|type|source)|access[_.-]?key[_.-]?id|author/i;

/** Values that are names, paths or numbers rather than secrets, and keys that are public by design (Stripe's publishable `pk_`). */
const STOP_VALUE = /^[A-Za-z_./-]+$|^\d+(?:\.\d+)*$|^(?:true|false|null|none|undefined)$|^pk_(?:test|live)_/i;

export const genericSecretAssignment = scannerRule({
  name: 'generic-secret-assignment',
  title: 'high-entropy value assigned to a secret-like name',
  keywords: ['secret', 'token', 'password', 'passwd', 'pwd', 'key', 'credential', 'creds'],
  priority: 0,
  *find(text) {
    for (const m of text.matchAll(ASSIGNMENT)) {
      const [start, end] = m.indices!.groups!.secret!;
      const value = m.groups!.secret!;
      // The whole identifier, including what precedes the keyword (`stripe_live_key`, `monkey`).
      let from = m.index!;
      while (from > 0 && /[\w.-]/.test(text[from - 1]!)) from--;
      const name = text.slice(from, m.index! + m.groups!.name!.length);
      if (STOP_NAME.test(name) || STOP_VALUE.test(value) || isPlaceholder(value)) continue;
      if (shannonEntropy(value) < 3.5) continue;
      yield { start, end, context: text.slice(from, end) };
    }
  },
});
