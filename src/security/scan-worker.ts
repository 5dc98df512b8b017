/**
 * A secret-detection worker thread: takes batches of texts, returns their
 * detections. Loaded from the compiled output (dist/) by worker-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { detectSecrets, type Detection } from './detect.js';

export interface WorkerRequest {
  id: number;
  items: { path: string; text: string }[];
}

export type WorkerReply = { id: number; results: Detection[][] } | { id: number; error: string };

parentPort?.on('message', async (req: WorkerRequest) => {
  try {
    const results: Detection[][] = [];
    for (const item of req.items) results.push(await detectSecrets(item.text, item.path));
    parentPort!.postMessage({ id: req.id, results } satisfies WorkerReply);
  } catch (e) {
    // The error's name and message only: a stack or a cause might quote the text being scanned.
    parentPort!.postMessage({ id: req.id, error: e instanceof Error ? `${e.name}: ${e.message}` : 'worker failed' } satisfies WorkerReply);
  }
});
