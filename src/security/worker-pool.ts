import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Detection } from './detect.js';
import type { WorkerReply, WorkerRequest } from './scan-worker.js';

export interface DetectItem {
  path: string;
  text: string;
}

/** Runs secret detection over many texts, on worker threads when there are any. */
export interface DetectorPool {
  /** Worker threads in use; 0 means detection runs on the calling thread. */
  readonly threads: number;
  detect(items: DetectItem[]): Promise<Detection[][]>;
  close(): Promise<void>;
}

/**
 * The compiled worker. Next to this module when running from dist/ (the CLI,
 * or the package installed in node_modules); from the TypeScript sources
 * (tests, tsx) it is the same file under dist/, built by `npm run build`.
 */
export function workerScript(): URL | undefined {
  for (const candidate of [new URL('./scan-worker.js', import.meta.url), new URL('../../dist/src/security/scan-worker.js', import.meta.url)]) {
    if (existsSync(fileURLToPath(candidate))) return candidate;
  }
  return undefined;
}

/**
 * `auto`: one thread per core up to 4 when there is enough text to repay
 * starting them (each loads secretlint: ~100 ms). With the keyword prefilter
 * most small files cost next to nothing, so the size that matters is bytes.
 */
export const AUTO_WORKERS_MIN_BYTES = 1_500_000;

export function threadsFor(setting: 'auto' | number, bytes: number): number {
  if (setting !== 'auto') return setting;
  if (bytes < AUTO_WORKERS_MIN_BYTES) return 0;
  return Math.max(1, Math.min(availableParallelism(), 4));
}

function inProcessPool(): DetectorPool {
  let detect: Promise<typeof import('./detect.js')> | undefined;
  return {
    threads: 0,
    async detect(items) {
      detect ??= import('./detect.js');
      const { detectSecrets } = await detect;
      const out: Detection[][] = [];
      for (const item of items) out.push(await detectSecrets(item.text, item.path));
      return out;
    },
    close: async () => {},
  };
}

interface Job {
  request: WorkerRequest;
  resolve(results: Detection[][]): void;
  reject(error: Error): void;
}

const BATCH_ITEMS = 64;
const BATCH_BYTES = 512 * 1024;

export function createDetectorPool(threads: number): DetectorPool {
  const script = threads > 0 ? workerScript() : undefined;
  if (!script) return inProcessPool();
  const queue: Job[] = [];
  const busy = new Map<Worker, Job>();
  const idle: Worker[] = [];
  let nextId = 0;
  let failure: Error | undefined;

  const pump = () => {
    while (idle.length && queue.length) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      busy.set(worker, job);
      worker.postMessage(job.request);
    }
  };
  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(script);
    worker.on('message', (reply: WorkerReply) => {
      const job = busy.get(worker);
      busy.delete(worker);
      idle.push(worker);
      if (job) {
        if ('error' in reply) job.reject(new Error(`secret scan worker: ${reply.error}`));
        else job.resolve(reply.results);
      }
      pump();
    });
    worker.on('error', (e) => {
      failure = new Error(`secret scan worker crashed: ${e.message}`);
      busy.get(worker)?.reject(failure);
      busy.delete(worker);
      for (const job of queue.splice(0)) job.reject(failure);
    });
    idle.push(worker);
    return worker;
  });

  const submit = (items: DetectItem[]) =>
    new Promise<Detection[][]>((resolve, reject) => {
      if (failure) return reject(failure);
      queue.push({ request: { id: nextId++, items }, resolve, reject });
      pump();
    });

  return {
    threads,
    async detect(items) {
      const batches: DetectItem[][] = [];
      let batch: DetectItem[] = [];
      let bytes = 0;
      for (const item of items) {
        if (batch.length && (batch.length >= BATCH_ITEMS || bytes + item.text.length > BATCH_BYTES)) {
          batches.push(batch);
          batch = [];
          bytes = 0;
        }
        batch.push(item);
        bytes += item.text.length;
      }
      if (batch.length) batches.push(batch);
      return (await Promise.all(batches.map(submit))).flat();
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
