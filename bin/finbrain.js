#!/usr/bin/env node
// The CLI runs from the compiled output that `npm ci` builds in `prepare`,
// so start-up never pays for a TypeScript transform.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(
    `finbrain: the compiled CLI is missing (${entry}).\n` +
      'Fix: run `npm ci` (or `npm run build`) in the finbrain package.\n',
  );
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv);
