import { describe, expect, it } from 'vitest';
import { GAP, PatchReader, type AddedLines } from '../../src/security/git-log-patches.js';
import { urlPasswords } from '../../src/security/url-password.js';
import { git, makeTree, writeTree } from '../helpers/tmp.js';
import { rand } from './planted.js';

const passwords = (text: string) => [...urlPasswords(text, /\b(?:postgres(?:ql)?|mongodb(?:\+srv)?|rediss?|mysql):\/\//gi)].map((h) => text.slice(h.start, h.end));

describe('connection-URL passwords', () => {
  it('takes raw @, / and : into the password, and stops at the host', () => {
    const pw = `${rand(4)}@${rand(3)}/${rand(3)}:${rand(4)}`;
    expect(passwords(`DATABASE_URL=postgres://app:${pw}@db.internal:5432/app`)).toEqual([pw]);
    expect(passwords(`"mongodb://app:${pw}@h1:27017,h2:27017/db?replicaSet=rs0"`)).toEqual([pw]);
    expect(passwords(`redis://:${pw}@cache:6379/0`)).toEqual([pw]);
  });

  it('finds ?password= and JDBC &password=, not an @ in a query string or a host:port path', () => {
    const q = rand(14);
    expect(passwords(`postgresql://app@db/app?sslmode=require&password=${q}`)).toEqual([q]);
    expect(passwords('postgres://db.internal:5432/app?application_name=me@example.com')).toEqual([]);
    expect(passwords(`postgres://u:${q}@h/db?x=a@b.c`)).toEqual([q]);
  });

  it('leaves placeholders and URLs without a password alone', () => {
    expect(passwords('postgres://app:<password>@localhost/app postgres://app:${DB_PASSWORD}@db/app mysql://root:changeme@db/x postgres://app@localhost/app redis://:pw@h')).toEqual([]);
  });
});

describe('reading git log -p -U0', () => {
  it('keeps each commit\'s added lines with their line numbers, and a gap between lines that are not adjacent', () => {
    const dir = makeTree({ 'a.txt': Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n') + '\n' });
    git(dir, ['init', '-q', '-b', 'main']);
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'one']);
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`);
    lines.splice(2, 1, 'changed three');
    lines.splice(7, 0, 'inserted after seven', 'and another');
    writeTree(dir, { 'a.txt': `${lines.join('\n')}\n`, 'b c/ü.txt': 'new file\n' });
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'two']);
    const files: AddedLines[] = [];
    const reader = new PatchReader((f) => files.push(f), () => {});
    for (const line of git(dir, ['-c', 'core.quotePath=false', 'log', '-p', '-U0', '--format=%x00%H %aI', 'HEAD']).split('\n')) reader.line(line);
    reader.end();
    expect(reader.commits).toBe(2);
    expect(files.map((f) => [f.seq, f.path, f.text.split('\n'), f.lineNumbers])).toEqual([
      [1, 'a.txt', ['changed three', GAP, 'inserted after seven', 'and another'], [3, 0, 8, 9]],
      [1, 'b c/ü.txt', ['new file'], [1]],
      [2, 'a.txt', lines.map((_, i) => `line ${i + 1}`).slice(0, 10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ]);
  });
});
