/** Offsets to 1-based lines and columns, for one text. */
export class TextLines {
  readonly starts: number[] = [0];
  readonly lines: string[];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    this.lines = text.split('\n');
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** 1-based column (UTF-16 code units, as SARIF's columnKind says). */
  columnOf(offset: number): number {
    return offset - this.starts[this.lineOf(offset) - 1]! + 1;
  }

  /** The line's text without its CR. */
  line(n: number): string {
    return (this.lines[n - 1] ?? '').replace(/\r$/, '');
  }
}
