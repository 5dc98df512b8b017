import pgImported from 'pg';
import { describe, expect, it } from 'vitest';
import { loadPg } from '../../src/db/load-pg.js';

describe('loadPg', () => {
  it('is the pg every other importer gets, and leaves no navigator global behind where Node has none', () => {
    const hadNavigator = 'navigator' in globalThis;
    const pg = loadPg();
    expect(pg.Client).toBe(pgImported.Client);
    expect('navigator' in globalThis).toBe(hadNavigator);
  });

  it('keeps a navigator that was already there', () => {
    const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    const mine = { userAgent: 'test-agent' };
    Object.defineProperty(globalThis, 'navigator', { value: mine, configurable: true, writable: true });
    try {
      loadPg();
      expect((globalThis as { navigator?: unknown }).navigator).toBe(mine);
    } finally {
      if (had) Object.defineProperty(globalThis, 'navigator', had);
      else delete (globalThis as { navigator?: unknown }).navigator;
    }
  });
});
