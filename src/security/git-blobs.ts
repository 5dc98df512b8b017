import { spawn } from 'node:child_process';

/**
 * Blob contents by `<commit>:<path>`, for the few files `git log -p` shows
 * only as "Binary files differ" (UTF-16 text among them). Two `git cat-file`
 * processes for all of them: `--batch-check` for the sizes, then `--batch`
 * for the blobs no larger than `maxBytes`, so a large binary is never read.
 */
export type Blob = { kind: 'bytes'; bytes: Buffer } | { kind: 'too-large'; size: number } | { kind: 'missing' };

function run(root: string, args: string[], input: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`git ${args.join(' ')}: ${stderr.trim()}`))));
    child.stdin.end(input);
  });
}

export async function readBlobs(root: string, specs: string[], maxBytes: number): Promise<Blob[]> {
  if (!specs.length) return [];
  const input = specs.map((s) => `${s}\n`).join('');
  const sizes = (await run(root, ['cat-file', '--batch-check=%(objecttype) %(objectsize)'], input)).toString('utf8').split('\n');
  const out: Blob[] = sizes.slice(0, specs.length).map((line) => {
    const [type, size] = line.split(' ');
    if (type !== 'blob') return { kind: 'missing' };
    return Number(size) > maxBytes ? { kind: 'too-large', size: Number(size) } : { kind: 'bytes', bytes: Buffer.alloc(0) };
  });
  const wanted = specs.filter((_, i) => out[i]!.kind === 'bytes');
  if (!wanted.length) return out;
  // --batch: "<sha> blob <size>\n<content>\n" per request, in order.
  const data = await run(root, ['cat-file', '--batch'], wanted.map((s) => `${s}\n`).join(''));
  let at = 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i]!.kind !== 'bytes') continue;
    const nl = data.indexOf(10, at);
    const size = Number(data.subarray(at, nl).toString('utf8').split(' ')[2]);
    out[i] = { kind: 'bytes', bytes: data.subarray(nl + 1, nl + 1 + size) };
    at = nl + 1 + size + 1;
  }
  return out;
}
