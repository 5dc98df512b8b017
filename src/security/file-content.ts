/**
 * What a tracked file holds, as the scanner sees it. UTF-16 files (with a
 * byte-order mark, as Windows tools write them) are decoded and scanned; a
 * file with a NUL byte otherwise is binary and is reported, not skipped
 * silently. UTF-16 without a BOM is indistinguishable from binary here.
 */
export type FileContent =
  | { kind: 'text'; text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' }
  | { kind: 'binary'; nulAt: number };

/** Whether text read as UTF-8 needs a look at its bytes (a NUL, or a UTF-16 BOM decoded as two replacement characters). */
export function needsBytes(utf8Text: string): boolean {
  return utf8Text.includes('\u0000') || utf8Text.startsWith('\uFFFD\uFFFD');
}

export function decodeBytes(bytes: Buffer): FileContent {
  const le = bytes[0] === 0xff && bytes[1] === 0xfe;
  const be = bytes[0] === 0xfe && bytes[1] === 0xff;
  if (le || be) {
    const body = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    if (be) body.swap16();
    const text = body.toString('utf16le');
    const nul = text.indexOf('\u0000');
    return nul === -1 ? { kind: 'text', text, encoding: le ? 'utf-16le' : 'utf-16be' } : { kind: 'binary', nulAt: 2 + nul * 2 };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { kind: 'binary', nulAt: nul };
  return { kind: 'text', text: bytes.toString('utf8'), encoding: 'utf-8' };
}
