#!/usr/bin/env bash
# The package as a user gets it. Pack this repository, install the tarball into a fresh service
# OUTSIDE the repository (dependencies from the npm registry), and follow the README's
# "Use it in your service" step by step: init, a revision creating payments, protect payments,
# migrate up on the embedded database and on a fresh database of the real server (and down),
# changelog, check all; then the library by its package name (ESM, and a TypeScript type-check).
#
# Needs TEST_DATABASE_URL (a server where it may create and drop a database) and network access
# to the npm registry. Removes everything it made, also on failure.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
ADMIN_URL="${TEST_DATABASE_URL:?set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/finbrain-consumer.XXXXXX")"
SUFFIX="$$_$RANDOM"
DB_NAME="finbrain_consumer_${SUFFIX}"
APP_ROLE="fb_consumer_app_${SUFFIX}"
WRITER_ROLE="fb_consumer_writer_${SUFFIX}"
SQL="node $REPO/.ci/admin-sql.mjs"

cleanup() {
  local rc=$?
  $SQL "$ADMIN_URL" "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || echo "consumer-test: could not drop $DB_NAME" >&2
  $SQL "$ADMIN_URL" "DROP ROLE IF EXISTS $APP_ROLE" "DROP ROLE IF EXISTS $WRITER_ROLE" >/dev/null 2>&1 || echo "consumer-test: could not drop the roles" >&2
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

step() { printf '\n-- %s\n' "$*"; }
fail() { echo "consumer-test: FAILED: $*" >&2; exit 1; }
case "$WORK" in "$REPO"/*) fail "the service must live outside the repository ($WORK)";; esac

step "pack (prepack builds dist/)"
(cd "$REPO" && npm pack --pack-destination "$WORK" --silent >/dev/null)
TARBALL="$(ls "$WORK"/finbrain-*.tgz)"
LISTING="$(tar -tzf "$TARBALL")"
grep -qx 'package/dist/src/index.js' <<<"$LISTING" || fail "the tarball has no dist/src/index.js"
grep -qx 'package/dist/src/cli/main.js' <<<"$LISTING" || fail "the tarball has no compiled CLI"
grep -qx 'package/templates/finbrain.yml.tmpl' <<<"$LISTING" || fail "the tarball has no templates/"
if grep -Eq '^package/(test|bench|app|migrations|src|\.ci|\.github)/' <<<"$LISTING"; then fail "the tarball ships files that are not the tool"; fi
echo "$(wc -l <<<"$LISTING") files, dist/ and no test/"

step "a fresh service: npm init, git, a writer module"
SERVICE="$WORK/service"
mkdir -p "$SERVICE/src/payments"
cd "$SERVICE"
git init -q -b main
git config user.name "Consumer Test"
git config user.email "consumer@example.com"
npm init -y >/dev/null
npm pkg set type=module
printf 'node_modules/\n' > .gitignore
cat > src/payments/writer.ts <<'EOF'
// The one module allowed to write payments.
import pg from 'pg';
export async function recordPayment(pool: pg.Pool, amount: string): Promise<void> {
  await pool.query('INSERT INTO payments (amount, currency) VALUES ($1, $2)', [amount, 'USD']);
}
EOF

step "README 1: npm i -D <tarball>"
npm i -D "$TARBALL" --no-audit --no-fund
npx finbrain --version

step "README 2: npx finbrain init --owner @your-org/your-team"
npx finbrain init --owner @acme/payments-team
if npx finbrain init >/dev/null 2>&1; then fail "a second init must refuse to overwrite"; fi

step "README 3: npx finbrain migrate new \"create payments\", filled in"
CREATED="$(npx finbrain migrate new "create payments" --json | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(JSON.parse(s).file))')"
node -e '
  const fs = require("node:fs");
  const f = process.argv[1];
  fs.writeFileSync(f, fs.readFileSync(f, "utf8")
    .replace("-- migrate:up\n", "-- migrate:up\nCREATE TABLE payments (id bigserial PRIMARY KEY, amount numeric(12,2) NOT NULL, currency text NOT NULL);\n")
    .replace("-- migrate:down\n", "-- migrate:down\nDROP TABLE payments;\n"));
' "$CREATED"

step "roles of this run (protection.appRole / writerRole), so nothing cluster-wide is shared"
node -e '
  const fs = require("node:fs");
  const c = JSON.parse(fs.readFileSync("finbrain.config.json", "utf8"));
  c.protection = { appRole: process.argv[1], writerRole: process.argv[2] };
  fs.writeFileSync("finbrain.config.json", JSON.stringify(c, null, 2) + "\n");
' "$APP_ROLE" "$WRITER_ROLE"

step "README 4: npx finbrain protect payments --writer 'src/payments/**'"
npx finbrain protect payments --writer 'src/payments/**'
ls migrations/*_protect_payments.sql >/dev/null || fail "protect wrote no revision"

step "README 5: migrate up on the embedded database"
(unset DATABASE_URL; npx finbrain migrate up && npx finbrain migrate status)

step "README 5: migrate up on a fresh database of the real server, then down and up again"
$SQL "$ADMIN_URL" "CREATE DATABASE $DB_NAME"
DB_URL="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$ADMIN_URL" "$DB_NAME")"
DATABASE_URL="$DB_URL" npx finbrain migrate up
[ "$($SQL "$DB_URL" "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = 'payments'::regclass")" != "0" ] || fail "no protection on payments after migrate up"
[ "$($SQL "$DB_URL" "SELECT to_regclass('public.payments_audit') IS NOT NULL")" = "true" ] || fail "no payments_audit after migrate up"
DATABASE_URL="$DB_URL" npx finbrain migrate down
[ "$($SQL "$DB_URL" "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = 'payments'::regclass")" = "0" ] || fail "migrate down left the protection on payments"
[ "$($SQL "$DB_URL" "SELECT to_regclass('public.payments_audit') IS NULL")" = "true" ] || fail "migrate down left payments_audit"
DATABASE_URL="$DB_URL" npx finbrain migrate up

step "README 6: commit, changelog, check all"
git add -A
git commit -q -m "finbrain: protect payments"
npx finbrain changelog
git add CHANGELOG.md
git commit -q -m "changelog"
npx finbrain check all
npx finbrain changelog --check

step "the workflow init wrote: migrate verify (up, down, up of every revision) on PGlite and on a scratch database of the server"
(unset DATABASE_URL; npx finbrain migrate verify)
npx finbrain migrate verify --database-url "$ADMIN_URL"

step "a write to payments outside the writer fails check all"
printf "import pg from 'pg';\nexport const purge = (pool: pg.Pool) => pool.query('DELETE FROM payments');\n" > src/purge.ts
git add src/purge.ts
if npx finbrain check all >/dev/null 2>&1; then fail "check all passed with a write outside the writer"; fi
git rm -q --cached src/purge.ts && rm src/purge.ts

step "the library by its package name: ESM, and a TypeScript type-check (moduleResolution node16)"
cat > use-finbrain.mjs <<'EOF'
import { migrateStatus, SingleWriterGuard, CanonicalWriter, loadConfig } from 'finbrain';
const status = await migrateStatus({});
if (typeof SingleWriterGuard !== 'function' || typeof CanonicalWriter !== 'function') throw new Error('runtime API missing');
console.log(`finbrain by name: ${status.applied.length} applied, migrationsDir ${loadConfig().config.migrationsDir}`);
EOF
(unset DATABASE_URL; node use-finbrain.mjs)
npm i -D typescript@~5.9 @types/node@20 @types/pg --no-audit --no-fund
cat > tsconfig.json <<'EOF'
{ "compilerOptions": { "module": "node16", "moduleResolution": "node16", "target": "es2022", "strict": true, "noEmit": true, "skipLibCheck": false, "types": ["node"] },
  "include": ["src/**/*.ts", "use-finbrain.ts"] }
EOF
cat > use-finbrain.ts <<'EOF'
import pg from 'pg';
import { migrateUp, CanonicalWriter, SingleWriterGuard, loadConfig, pgPoolTransactor, protectionOptionsFor, type MigrationContext, type MigrateRunResult } from 'finbrain';
export async function up(ctx: MigrationContext): Promise<void> { await ctx.query('SELECT 1'); }
export const apply = (): Promise<MigrateRunResult> => migrateUp({});
export const guard = (): Promise<SingleWriterGuard> => SingleWriterGuard.create({ protectedTables: loadConfig().config.singleWriter.protectedTables });
export const payments = (writerPool: pg.Pool): CanonicalWriter =>
  new CanonicalWriter({ transactor: pgPoolTransactor(writerPool), protection: protectionOptionsFor(loadConfig().config, 'payments') });
EOF
npx tsc -p tsconfig.json

echo
echo "consumer-test: ok (service in $SERVICE, removed on exit)"
