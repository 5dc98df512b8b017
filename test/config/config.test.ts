import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { makeTree } from '../helpers/tmp.js';

describe('config', () => {
  it('works with no file at all', () => {
    const dir = makeTree({});
    const { config, root } = loadConfig({ cwd: dir });
    expect(root).toBe(dir);
    expect(config.migrationsDir).toBe('migrations');
    expect(config.migrate.lockTimeoutMs).toBe(5000);
    // Nothing is protected until the user says so; no app's names in the tool's defaults.
    expect(config.singleWriter.protectedTables).toEqual([]);
    expect(config.singleWriter.writers).toEqual([]);
  });

  it('reports errors as path: message', () => {
    const dir = makeTree({ 'finbrain.config.json': JSON.stringify({ migrate: { lockTimeoutMs: 'x' }, bogus: 1 }) });
    expect(() => loadConfig({ cwd: dir })).toThrow(ConfigError);
    expect(() => loadConfig({ cwd: dir })).toThrow(/migrate\.lockTimeoutMs: .*number/);
    expect(() => loadConfig({ cwd: dir })).toThrow(/\(root\): Unrecognized key: "bogus"/);
  });

  it('names the file on bad JSON', () => {
    const dir = makeTree({ 'finbrain.config.json': '{ "migrate": ' });
    expect(() => loadConfig({ cwd: dir })).toThrow(/finbrain\.config\.json: invalid JSON/);
  });
});
