import { Chalk, type ChalkInstance } from 'chalk';

export interface ColorOptions {
  json?: boolean;
  stream?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
}

/**
 * chalk alone ignores NO_COLOR; finbrain turns colour off for NO_COLOR, for a
 * stream that is not a TTY, and always for JSON output.
 */
export function colorsEnabled(options: ColorOptions = {}): boolean {
  const env = options.env ?? process.env;
  const stream = options.stream ?? process.stdout;
  if (options.json) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

export function createColors(options: ColorOptions = {}): ChalkInstance {
  return new Chalk({ level: colorsEnabled(options) ? 1 : 0 });
}
