/**
 * Base64-encoded secrets (a Kubernetes Secret's `data:`, a token stored
 * encoded "to hide it"): runs of base64 (or base64url) of 16+ characters that
 * decode to printable UTF-8 text are decoded once and scanned again; the
 * whole encoded run is the secret's span. Binary payloads (images, keys'
 * DER bodies) are not text and are left alone.
 */
export interface EncodedRun {
  start: number;
  end: number;
  decoded: string;
}

// Scanning left to right, each match starts where a run starts and takes all of it (no look-behind needed).
const RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const MAX_RUN = 16_384;
const MAX_RUNS = 2_000;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function printable(s: string): boolean {
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || c === 0x0d || c >= 0xa0) ok++;
  }
  return ok >= s.length * 0.97;
}

export function base64Runs(text: string): EncodedRun[] {
  const out: EncodedRun[] = [];
  let seen = 0;
  for (const m of text.matchAll(RUN)) {
    const run = m[0];
    if (run.length > MAX_RUN || ++seen > MAX_RUNS) continue;
    // Plain words and identifiers are not base64 worth decoding: it needs a mix of classes.
    if (!/[0-9+/=]/.test(run) && !(/[a-z]/.test(run) && /[A-Z]/.test(run))) continue;
    const body = run.replace(/=+$/, '');
    if (body.length % 4 === 1) continue;
    let decoded: string;
    try {
      decoded = utf8.decode(Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
    } catch {
      continue;
    }
    if (decoded.length >= 12 && printable(decoded)) out.push({ start: m.index!, end: m.index! + run.length, decoded });
  }
  return out;
}
