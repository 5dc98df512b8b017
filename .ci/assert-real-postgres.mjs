// Fails the CI run unless the real-Postgres test suites ran and none was skipped.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2] ?? '.finbrain-test-report.json', 'utf8'));
let passed = 0;
const skipped = [];
for (const file of report.testResults ?? []) {
  for (const t of file.assertionResults ?? []) {
    if (!t.fullName.includes('[postgres]')) continue;
    if (t.status === 'passed') passed++;
    else if (t.status !== 'failed') skipped.push(t.fullName);
  }
}
if (skipped.length) {
  console.error(`real-Postgres tests were skipped (${skipped.length}):\n  ${skipped.slice(0, 20).join('\n  ')}`);
  process.exit(1);
}
if (passed === 0) {
  console.error('no real-Postgres test ran: is TEST_DATABASE_URL set and the server up?');
  process.exit(1);
}
console.log(`real-Postgres tests: ${passed} passed, 0 skipped`);
