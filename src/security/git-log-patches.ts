/**
 * A streaming reader of `git log -p -U0` output that keeps, for every commit
 * and file, the lines the commit added (with their line numbers in the new
 * version of the file). Deleted lines and context are dropped: a secret is
 * reported at the commit that added it.
 */
export interface AddedLines {
  commit: string;
  /** Author date, ISO 8601. */
  date: string;
  /** The commit's place in the log: 1 for the newest; higher is older. */
  seq: number;
  path: string;
  /**
   * The added lines, joined by newlines. Adjacent added lines stay adjacent (a
   * PEM block is whole); between lines that are not adjacent in the file a
   * GAP line keeps them apart, so nothing is joined across unchanged code.
   */
  text: string;
  /** The line number in the file of each line of `text` (0 for a GAP line). */
  lineNumbers: number[];
}

export interface BinaryChange {
  commit: string;
  date: string;
  seq: number;
  path: string;
}

/** Stands between added lines that are not adjacent in the file: not whitespace, so no string chain spans it, and never a secret. */
export const GAP = '\u0000';

/** Commit header lines start with a NUL (see LOG_FORMAT), which no patch line can. */
export const LOG_FORMAT = '--format=%x00%H %aI';

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Git quotes paths with unusual characters C-style ("b/t\303\251st"); core.quotePath=false keeps UTF-8 as is. */
export function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function stripPrefix(path: string): string | undefined {
  const p = unquoteGitPath(path.trim());
  if (p === '/dev/null') return undefined;
  return p.replace(/^[ab]\//, '');
}

export class PatchReader {
  private commit = '';
  private date = '';
  private path: string | undefined;
  private added: string[] = [];
  private numbers: number[] = [];
  private newLine = 0;
  private oldLeft = 0;
  private newLeft = 0;
  commits = 0;

  constructor(
    private readonly onFile: (f: AddedLines) => void,
    private readonly onBinary: (b: BinaryChange) => void,
  ) {}

  private flush(): void {
    if (this.path && this.added.length) {
      this.onFile({ commit: this.commit, date: this.date, seq: this.commits, path: this.path, text: this.added.join('\n'), lineNumbers: this.numbers });
    }
    this.added = [];
    this.numbers = [];
    this.oldLeft = 0;
    this.newLeft = 0;
  }

  line(line: string): void {
    if (line.startsWith('\u0000')) {
      this.flush();
      this.path = undefined;
      const [sha, date] = line.slice(1).split(' ');
      this.commit = sha ?? '';
      this.date = date ?? '';
      this.commits++;
      return;
    }
    if (this.oldLeft > 0 || this.newLeft > 0) {
      const c = line[0];
      if (c === '+') {
        const previous = this.numbers.at(-1);
        if (previous !== undefined && previous !== this.newLine - 1) {
          this.added.push(GAP);
          this.numbers.push(0);
        }
        this.added.push(line.slice(1));
        this.numbers.push(this.newLine++);
        this.newLeft--;
        return;
      }
      if (c === '-') {
        this.oldLeft--;
        return;
      }
      if (c === ' ') {
        this.newLine++;
        this.newLeft--;
        this.oldLeft--;
        return;
      }
      if (c === '\\') return;
      // Anything else ends the hunk early (should not happen with well-formed output).
      this.oldLeft = this.newLeft = 0;
    }
    if (line.startsWith('diff --git ')) {
      this.flush();
      this.path = undefined;
    } else if (line.startsWith('+++ ')) {
      this.path = stripPrefix(line.slice(4));
    } else if (line.startsWith('@@ ')) {
      const m = HUNK.exec(line);
      if (!m) return;
      this.oldLeft = m[1] === undefined ? 1 : Number(m[1]);
      this.newLine = Number(m[2]);
      this.newLeft = m[3] === undefined ? 1 : Number(m[3]);
    } else if (line.startsWith('Binary files ')) {
      const m = / and (.+) differ$/.exec(line);
      const path = m && stripPrefix(m[1]!);
      if (path) this.onBinary({ commit: this.commit, date: this.date, seq: this.commits, path });
    }
  }

  end(): void {
    this.flush();
  }
}
