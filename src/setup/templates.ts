import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The files `finbrain init` writes live in the package's templates/ folder, so
 * a user can read exactly what will land in their repository. It sits next to
 * dist/ in the installed package and next to src/ in a checkout.
 */
function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, 'finbrain.yml.tmpl'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('finbrain: the templates/ folder is missing from the package; reinstall finbrain');
}

/** A template with every `{{name}}` replaced; a placeholder without a value is a bug, not output. */
export function renderTemplate(name: string, values: Record<string, string> = {}): string {
  const text = readFileSync(join(templatesDir(), name), 'utf8');
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${name}: no value for {{${key}}}`);
    return value;
  });
}
