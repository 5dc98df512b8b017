import type { ChalkInstance } from 'chalk';
import { writeFileSync } from 'node:fs';
import { describeError, isFinbrainError } from '../errors.js';
import { createColors } from '../report/colors.js';
import { maskSecrets } from '../masking/mask-passwords.js';

/** Where a command's output goes: results to stdout, diagnostics to stderr. */
export interface CliIo {
  json: boolean;
  /** Colours for stdout (off for NO_COLOR, non-TTY and JSON). */
  colors: ChalkInstance;
  /** Colours for stderr. */
  errColors: ChalkInstance;
  /** stderr is a TTY: progress lines may be shown. */
  interactive: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function createIo(options: { json?: boolean } = {}): CliIo {
  const json = Boolean(options.json);
  return {
    json,
    colors: createColors({ json, stream: process.stdout }),
    errColors: createColors({ stream: process.stderr }),
    interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
    out: (text) => void process.stdout.write(maskSecrets(text)),
    err: (text) => void process.stderr.write(maskSecrets(text)),
  };
}

/** Writes a report to --output FILE, or to stdout. */
export function emit(io: CliIo, text: string, outputFile?: string): void {
  if (outputFile) writeFileSync(outputFile, maskSecrets(text));
  else io.out(text);
}

/**
 * Runs a command body and turns what it throws into a masked message and a
 * stable exit code (set on process.exitCode; nothing calls exit() mid-flow).
 */
export async function runAction(io: CliIo, body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    if (typeof code === 'number' && code > (process.exitCode as number | undefined ?? 0)) process.exitCode = code;
  } catch (e) {
    process.exitCode = reportError(io, e);
  }
}

export function reportError(io: CliIo, e: unknown): number {
  const c = io.errColors;
  if (isFinbrainError(e)) {
    if (io.json) io.out(`${JSON.stringify(e.toJSON(), null, 2)}\n`);
    io.err(`${c.red('error:')} ${e.message}\n`);
    if (e.hint) io.err(`${c.green('fix:')} ${e.hint}\n`);
    if (process.env.FINBRAIN_DEBUG && e.stack) io.err(`${e.stack}\n`);
    return e.exitCode;
  }
  const message = describeError(e);
  if (io.json) io.out(`${JSON.stringify({ error: 'internal', message, exitCode: 1 }, null, 2)}\n`);
  io.err(`${c.red('error:')} ${message}\n`);
  if (e instanceof Error && e.stack) io.err(`${maskSecrets(e.stack)}\n`);
  return 1;
}
