// Runs SQL statements against a database for the CI scripts (create/drop a scratch database,
// read one value back); prints the first column of the last statement's first row.
import pg from 'pg';

const [url, ...statements] = process.argv.slice(2);
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  let last;
  for (const sql of statements) last = await client.query(sql);
  const row = last?.rows?.[0];
  if (row) console.log(String(Object.values(row)[0]));
} finally {
  await client.end();
}
