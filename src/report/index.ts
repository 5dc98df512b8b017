import type { ChalkInstance } from 'chalk';
import type { CheckRun } from '../findings/finding.js';
import { renderGithub } from './github-reporter.js';
import { renderJson } from './json-reporter.js';
import { renderSarif } from './sarif-reporter.js';
import { renderText } from './text-reporter.js';

export * from '../findings/finding.js';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  colors: ChalkInstance;
  toolVersion: string;
}

/** The reporter map: every check renders through it. */
export const reporters: Record<Format, (runs: CheckRun[], o: RenderOptions) => string> = {
  text: (runs, o) => renderText(runs, o.colors),
  json: (runs) => renderJson(runs),
  sarif: (runs, o) => renderSarif(runs, { toolVersion: o.toolVersion }),
  github: (runs) => renderGithub(runs),
};
