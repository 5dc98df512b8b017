import { parentPort, workerData } from 'node:worker_threads';
import { SingleWriterAnalysis, type FileAnalysis } from './analyze.js';
import type { SingleWriterOptions } from './options.js';

/**
 * One shard of a large run, in a worker thread: its own parser and index, the
 * same analysis, results posted back as plain data.
 */
export interface ShardRequest {
  options: Omit<SingleWriterOptions, 'readText' | 'index' | 'getIndex'>;
  files: string[];
}

export interface ShardResult {
  results: [string, FileAnalysis][];
  inputs: string[];
}

const request = workerData as ShardRequest;
const analysis = await SingleWriterAnalysis.create(request.options);
const results: [string, FileAnalysis][] = request.files.map((rel) => [rel, analysis.analyzeFile(rel)]);
parentPort!.postMessage({ results, inputs: analysis.configInputs() } satisfies ShardResult);
