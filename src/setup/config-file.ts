import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { parseConfig } from '../config/load.js';
import type { FinbrainConfig } from '../config/schema.js';

type Json = Record<string, unknown>;

/**
 * Edits finbrain.config.json as JSON text: keys the user wrote stay as they
 * are, only the given changes are made, and the result must pass the schema
 * before anything is written.
 */
export function planConfigEdit(file: string, edit: (raw: Json) => void): { before: string; after: string; config: FinbrainConfig } {
  const before = readFileSync(file, 'utf8');
  let raw: Json;
  try {
    raw = JSON.parse(before) as Json;
  } catch (e) {
    throw new ConfigError(`${file}: invalid JSON: ${(e as Error).message}`, { files: [file], hint: 'Fix the JSON syntax (no comments or trailing commas).', cause: e });
  }
  edit(raw);
  const config = parseConfig(raw, file);
  return { before, after: `${JSON.stringify(raw, null, 2)}\n`, config };
}

export function writeConfigText(file: string, text: string): void {
  writeFileSync(file, text);
}

/** `raw[key]` as an object, created when missing. */
export function section(raw: Json, key: string): Json {
  const value = raw[key];
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
  const created: Json = {};
  raw[key] = created;
  return created;
}

/** Appends values not yet in `obj[key]` (a string array). */
export function appendUnique(obj: Json, key: string, values: string[]): void {
  const current = Array.isArray(obj[key]) ? (obj[key] as string[]) : [];
  obj[key] = [...current, ...values.filter((v) => !current.includes(v))];
}
