import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, makeTree, writeTree } from '../helpers/tmp.js';

/**
 * A git repository with planted secrets, one per provider and encoding. Every
 * secret body is random and made at run time, so no test source holds a
 * credential (this repository's own `check security` stays clean) and no two
 * runs plant the same one.
 */
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const DIGITS = '0123456789';

export function rand(n: number, alphabet = ALNUM): string {
  return Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
}

const wrap = (b64: string) => b64.match(/.{1,64}/g)!.join('\n');
const pemBody = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----'));

function openSshKey(): string {
  const blob = Buffer.concat([Buffer.from('openssh-key-v1\0none\0none\0', 'binary'), randomBytes(300)]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap(blob.toString('base64'))}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

const rsa = (type: 'pkcs1' | 'pkcs8', encrypted = false) =>
  generateKeyPairSync('rsa', {
    modulusLength: 1024,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: encrypted ? { type, format: 'pem', cipher: 'aes-256-cbc', passphrase: rand(12) } : { type, format: 'pem' },
  }).privateKey;

/** Every planted secret, by name; the values are what must never be printed. */
export function plantSecrets() {
  const sqlPassword = `${rand(6)}@${rand(4)}/${rand(4)}:${rand(5)}`;
  return {
    awsKeyId: `AKIA${rand(16, UPPER32)}`,
    awsSecret: rand(40),
    github: `ghp_${rand(36)}`,
    gitlab: `glpat-${rand(20)}`,
    slackBot: `xoxb-${rand(12, DIGITS)}-${rand(12, DIGITS)}-${rand(24)}`,
    slackWebhook: `https://hooks.slack.com/services/T${rand(10, UPPER32)}/B${rand(10, UPPER32)}/${rand(24)}`,
    slackWorkflow: `https://hooks.slack.com/workflows/${rand(48)}`,
    stripe: `sk_live_${rand(32)}`,
    stripeRestricted: `rk_live_${rand(32)}`,
    npm: `npm_${rand(36)}`,
    pypi: `pypi-AgEIcHlwaS5vcmc${rand(80)}`,
    google: `AIza${rand(35)}`,
    azure: `${rand(3)}8Q~${rand(34)}`,
    azureStorage: `${rand(86, ALNUM + '+/')}==`,
    twilio: `SK${rand(32, HEX)}`,
    sendgrid: `SG.${rand(22)}.${rand(43)}`,
    jwt: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ sub: rand(12), iat: 1700000000 })).toString('base64url')}.${rand(43)}`,
    rsaPkcs1: rsa('pkcs1'),
    rsaPkcs8: rsa('pkcs8'),
    rsaEncrypted: rsa('pkcs8', true),
    openssh: openSshKey(),
    gcpKey: rsa('pkcs8'),
    pgPassword: sqlPassword,
    pgQueryPassword: rand(18),
    mysqlPassword: rand(16),
    mongoPassword: rand(16),
    redisPassword: rand(16),
    pgpassword: rand(16),
    // A generic value needs a digit (an all-letter one reads as an identifier): random ones get one for sure.
    jwtSecret: `${rand(31)}7`,
    apiKey: `${rand(31)}3`,
    dbPassword: `${rand(23)}5`,
    utf16le: `ghp_${rand(36)}`,
    utf16be: `sk_live_${rand(32)}`,
    base64Url: rand(16),
    base64Stripe: `sk_live_${rand(32)}`,
    splitStripe: `sk_live_${rand(32)}`,
    splitGithub: `ghp_${rand(36)}`,
    pairGithub: `ghp_${rand(36)}`,
    pairNpm: `npm_${rand(36)}`,
    mixedGithub: `ghp_${rand(36)}`,
    /** A Mailgun-style key: no rule knows it, and it sits on the same line as a detected token. */
    undetected: `key-${rand(32, HEX)}`,
    writeLineStripe: `sk_live_${rand(32)}`,
    dangerGithub: `ghp_${rand(36)}`,
    fixtureGithub: `ghp_${rand(36)}`,
    docsPassword: rand(14),
    noReasonGithub: `ghp_${rand(36)}`,
    oversizedGithub: `ghp_${rand(36)}`,
    historyStripe: `sk_live_${rand(32)}`,
    historyNpmrc: `npm_${rand(36)}`,
    historyAndHead: `ghp_${rand(36)}`,
    historyUtf16: `sk_live_${rand(32)}`,
  };
}

export type Planted = ReturnType<typeof plantSecrets>;

const utf16 = (text: string, endian: 'le' | 'be') => {
  const le = Buffer.from(text, 'utf16le');
  if (endian === 'be') le.swap16();
  return Buffer.concat([Buffer.from(endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), le]);
};

/** The strings the leak check looks for: every secret, each PEM body line, each piece of a split or encoded one. */
export function leakTargets(s: Planted): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(s)) {
    if (value.includes('PRIVATE KEY')) out.push(...pemBody(value));
    // A webhook's secret is its path: `https://hooks.slack.com/services/` is public (and shares "/service" with file names).
    else if (value.startsWith('https://hooks.slack.com/')) out.push(value.replace(/^https:\/\/hooks\.slack\.com\/\w+\//, ''));
    else out.push(value);
    if (name === 'base64Stripe') out.push(Buffer.from(value).toString('base64'));
    if (name === 'splitStripe') out.push(value.slice(0, 14), value.slice(14));
    if (name === 'splitGithub') out.push(value.slice(0, 20), value.slice(20));
  }
  out.push(Buffer.from(`postgres://app:${s.base64Url}@db.internal/app`).toString('base64'));
  return out.filter((v) => v.length >= 8);
}

/** The first 8-character window of `secret` that appears in `output`, if any. */
export function leakedWindow(output: string, secret: string): string | undefined {
  for (let i = 0; i + 8 <= secret.length; i++) {
    const window = secret.slice(i, i + 8);
    if (output.includes(window)) return window;
  }
  return undefined;
}

export interface PlantedRepo {
  dir: string;
  secrets: Planted;
  /** The commit that added, and the one that removed, the history-only secrets. */
  historyCommit: string;
  removalCommit: string;
  headCommit: string;
}

/**
 * The planted repository: three commits. The first adds files that the
 * second deletes (history-only secrets); the third adds everything else.
 */
export function plantedRepo(config: Record<string, unknown> = {}): PlantedRepo {
  const s = plantSecrets();
  const dir = makeTree({
    'old/credentials.ts': `// left over from the prototype\nexport const stripe = '${s.historyStripe}';\n`,
    'old/.npmrc': `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${s.historyNpmrc}\n`,
    'src/legacy.ts': `export const legacyToken = '${s.historyAndHead}';\n`,
  });
  writeFileSync(join(dir, 'old/windows-export.txt'), utf16(`[billing]\r\nkey = ${s.historyUtf16}\r\n`, 'le'));
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'prototype']);
  const historyCommit = git(dir, ['rev-parse', 'HEAD']).trim();
  git(dir, ['rm', '-q', '-r', 'old']);
  git(dir, ['commit', '-q', '-m', 'remove the prototype credentials']);
  const removalCommit = git(dir, ['rev-parse', 'HEAD']).trim();

  const gcp = JSON.stringify(
    {
      type: 'service_account',
      project_id: 'planted-project',
      private_key_id: rand(40, HEX),
      private_key: s.gcpKey,
      client_email: 'planted@planted-project.iam.gserviceaccount.com',
    },
    null,
    2,
  );
  const files: Record<string, string> = {
    'finbrain.config.json': JSON.stringify({
      // The single-writer frame on a line that holds a secret needs a protected table (none is protected by default).
      singleWriter: { protectedTables: ['expenses'], writers: ['src/writer/**'] },
      checks: {
        codeowners: { enabled: false },
        security: {
          maxFileBytes: 4096,
          allow: [{ rule: 'secretlint/github', path: 'test/fixtures/**', reason: 'a fake token the parser tests use' }],
          ...config,
        },
      },
    }),
    'config/aws.ini': `[default]\naws_access_key_id = ${s.awsKeyId}\naws_secret_access_key = ${s.awsSecret}\n`,
    'src/providers.ts': [
      `export const github = '${s.github}';`,
      `export const gitlab = '${s.gitlab}';`,
      `export const slackBot = '${s.slackBot}';`,
      `export const slackHook = '${s.slackWebhook}';`,
      `export const slackFlow = '${s.slackWorkflow}';`,
      `export const stripe = '${s.stripe}';`,
      `export const stripeRestricted = '${s.stripeRestricted}';`,
      `export const npm = '${s.npm}';`,
      `export const pypi = '${s.pypi}';`,
      `export const google = '${s.google}';`,
      `export const azure = '${s.azure}';`,
      `export const twilio = '${s.twilio}';`,
      `export const sendgrid = '${s.sendgrid}';`,
      `export const session = '${s.jwt}';`,
      `export const storage = 'DefaultEndpointsProtocol=https;AccountName=planted;AccountKey=${s.azureStorage};EndpointSuffix=core.windows.net';`,
      '',
    ].join('\n'),
    'deploy/id_rsa': s.rsaPkcs1,
    'deploy/service.pem': s.rsaPkcs8,
    'deploy/encrypted.pem': s.rsaEncrypted,
    'deploy/id_ed25519': s.openssh,
    'deploy/gcp-service-account.json': `${gcp}\n`,
    'config/database.yml': [
      'production:',
      `  primary: postgres://app:${s.pgPassword}@db.internal:5432/app`,
      `  replica: postgresql://app@db-replica.internal/app?sslmode=require&password=${s.pgQueryPassword}`,
      `  mysql: mysql://app:${s.mysqlPassword}@mysql.internal/app`,
      `  mongo: mongodb+srv://app:${s.mongoPassword}@cluster0.example.net/app`,
      `  cache: redis://:${s.redisPassword}@cache.internal:6379/0`,
      '',
    ].join('\n'),
    'scripts/restore.sh': `#!/bin/sh\nPGPASSWORD=${s.pgpassword} pg_restore -h db.internal -U app dump.sql\n`,
    'src/settings.ts': `export const settings = {\n  jwtSecret: '${s.jwtSecret}',\n  apiKey: '${s.apiKey}',\n  dbPassword: '${s.dbPassword}',\n};\n`,
    'k8s/secret.yaml': [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: app',
      'data:',
      `  DATABASE_URL: ${Buffer.from(`postgres://app:${s.base64Url}@db.internal/app`).toString('base64')}`,
      `  STRIPE_KEY: ${Buffer.from(s.base64Stripe).toString('base64')}`,
      '',
    ].join('\n'),
    'src/split.ts': `export const stripeKey =\n  '${s.splitStripe.slice(0, 14)}' +\n  '${s.splitStripe.slice(14)}';\n`,
    'scripts/env.sh': `export GH="${s.splitGithub.slice(0, 20)}\\\n${s.splitGithub.slice(20)}"\n`,
    'src/two.ts': `export const pair = ['${s.pairGithub}', '${s.pairNpm}'];\n`,
    'src/mixed.ts': `export const keys = { gh: '${s.mixedGithub}', mailgun: '${s.undetected}' };\n`,
    '.env.example': 'DATABASE_URL=postgres://app:<password>@localhost/app\nSTRIPE_KEY=sk_live_<your-key>\nJWT_SECRET=\nPGPASSWORD=${PGPASSWORD}\n',
    'test/fixtures/tokens.ts': `export const fake = '${s.fixtureGithub}';\n`,
    'docs/setup.md': `# Local setup\n\n<!-- finbrain-ignore-secret: the local docker database's throwaway password -->\n    postgres://app:${s.docsPassword}@localhost:5432/app\n`,
    'src/noreason.ts': `// finbrain-ignore-secret:\nexport const t = '${s.noReasonGithub}';\n`,
    'data/big.sql': `-- ${s.oversizedGithub}\n${'INSERT INTO t VALUES (1);\n'.repeat(400)}`,
    'src/legacy.ts': `export const legacyToken = '${s.historyAndHead}';\n`,
    // Code frames of other analyses on lines that hold secrets: a protected write (single-writer) and an injection (security).
    'src/report.ts': [
      "import { Pool } from 'pg';",
      'export const pool = new Pool();',
      `export const purge = () => pool.query('DELETE FROM expenses'); export const stripe2 = '${s.writeLineStripe}';`,
      `export const find = (x: string) => pool.query('SELECT * FROM expenses WHERE note = ' + x); export const gh2 = '${s.dangerGithub}';`,
      '',
    ].join('\n'),
  };
  writeTree(dir, files);
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'config/utf16le.txt'), utf16(`# exported by a Windows tool\r\ngithub_token = ${s.utf16le}\r\n`, 'le'));
  writeFileSync(join(dir, 'config/utf16be.txt'), utf16(`stripe = ${s.utf16be}\n`, 'be'));
  writeFileSync(join(dir, 'assets/logo.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), randomBytes(64)]));
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'the service']);
  const headCommit = git(dir, ['rev-parse', 'HEAD']).trim();
  return { dir, secrets: s, historyCommit, removalCommit, headCommit };
}
