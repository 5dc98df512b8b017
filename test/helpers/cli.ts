import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/finbrain.js', import.meta.url));
/** The compiled CLI entry that bin/finbrain.js starts (built by `pretest`). */
const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Added to the test process's environment; `undefined` removes a variable. NO_COLOR is set unless given. */
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/**
 * Runs the compiled CLI's `main` (what bin/finbrain.js calls) inside this test
 * process, with its own working directory, environment, stdout, stderr and exit
 * code, one run at a time. A child process per run cost about a third of the
 * suite's CPU in start-up alone. Tests about the process itself (stdin, two
 * runs at once, the lock owner's pid, start-up, a kill) use `spawnCli`.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (options.input !== undefined) return spawnCli(args, options);
  const run = queue.then(() => runInProcess(args, options));
  queue = run.catch(() => undefined);
  return run;
}

/** Runs the real CLI (bin/finbrain.js, compiled by `pretest`) in a child process. */
export function spawnCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cliEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

let queue: Promise<unknown> = Promise.resolve();

function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

type Write = typeof process.stdout.write;

async function runInProcess(args: string[], options: CliOptions): Promise<CliResult> {
  const { main } = (await import(/* @vite-ignore */ MAIN.href)) as { main(argv: string[]): Promise<void> };
  const saved = { env: process.env, cwd: process.cwd(), exitCode: process.exitCode, out: process.stdout.write, err: process.stderr.write };
  let stdout = '';
  let stderr = '';
  const capture = (append: (s: string) => void): Write =>
    ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as Write;
  process.env = cliEnv(options.env);
  if (options.cwd) process.chdir(options.cwd);
  process.exitCode = undefined;
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  // A run in a terminal would show progress lines; the child process a test spawns never has a TTY.
  const tty = [process.stdout, process.stderr].map((s) => Object.getOwnPropertyDescriptor(s, 'isTTY'));
  for (const s of [process.stdout, process.stderr]) Object.defineProperty(s, 'isTTY', { value: false, configurable: true, writable: true });
  let code: number;
  try {
    await main([process.execPath, BIN, ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    // What Node does with the rejection bin/finbrain.js would leave unhandled.
    stderr += `${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`;
    code = 1;
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    [process.stdout, process.stderr].forEach((s, i) => {
      if (tty[i]) Object.defineProperty(s, 'isTTY', tty[i]!);
      else delete (s as { isTTY?: boolean }).isTTY;
    });
    process.exitCode = saved.exitCode;
    process.chdir(saved.cwd);
    process.env = saved.env;
  }
  return { code, stdout, stderr };
}
