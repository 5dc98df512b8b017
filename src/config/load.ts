import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { ConfigSchema, type FinbrainConfig } from './schema.js';

export const CONFIG_FILE = 'finbrain.config.json';

export interface LoadedConfig {
  config: FinbrainConfig;
  /** The project root: the directory holding the config, or the start directory when there is none. */
  root: string;
  /** Absolute path of the config file, if one was read. */
  file?: string;
}

export interface LoadConfigOptions {
  cwd?: string;
  /** An explicit config file (--config); it must exist. */
  configPath?: string;
  /** An explicit project root (--root); the config is looked up there only. */
  root?: string;
}

/** Formats zod issues as `path: message`, one per line. */
export function formatZodIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((i) => {
      const path = i.path.length ? i.path.map(String).join('.') : '(root)';
      return `${prefix}${path}: ${i.message}`;
    })
    .join('\n');
}

function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function parseConfig(raw: unknown, file = CONFIG_FILE): FinbrainConfig {
  const result = ConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new ConfigError(`${file} is invalid:\n${formatZodIssues(result.error)}`, {
      files: [file],
      hint: `Fix the keys above in ${file}; every key is optional.`,
      cause: result.error,
    });
  }
  return result.data;
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  let file: string | undefined;
  if (options.configPath) {
    file = resolve(cwd, options.configPath);
    if (!existsSync(file)) {
      throw new ConfigError(`config file not found: ${file}`, { files: [file], hint: 'Pass an existing file to --config.' });
    }
  } else if (options.root) {
    const candidate = join(resolve(cwd, options.root), CONFIG_FILE);
    file = existsSync(candidate) ? candidate : undefined;
  } else {
    file = findConfig(cwd);
  }
  const root = options.root ? resolve(cwd, options.root) : file ? dirname(file) : cwd;
  if (!file) return { config: parseConfig({}), root };

  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file}: invalid JSON: ${(e as Error).message}`, {
      files: [file],
      hint: 'Fix the JSON syntax (no comments or trailing commas).',
      cause: e,
    });
  }
  return { config: parseConfig(raw, file), root, file };
}
