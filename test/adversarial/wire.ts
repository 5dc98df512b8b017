/** Frontend protocol messages built by hand, for the byte-level PGlite entry points. */
const enc = new TextEncoder();

function message(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

const cstr = (s: string) => {
  const b = enc.encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
};

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
};

/** A simple-protocol Query. */
export const queryMessage = (sql: string) => message('Q', cstr(sql));

/** Parse + Bind + Execute + Sync of an unnamed statement without parameters. */
export const extendedMessages = (sql: string) =>
  concat(
    message('P', concat(cstr(''), cstr(sql), new Uint8Array([0, 0]))),
    message('B', concat(cstr(''), cstr(''), new Uint8Array([0, 0, 0, 0, 0, 0]))),
    message('E', concat(cstr(''), new Uint8Array([0, 0, 0, 0]))),
    message('S', new Uint8Array()),
  );

/** A fast-path FunctionCall of a function by OID (here set_config, 2078) with no SQL text at all. */
export const functionCallMessage = () => message('F', new Uint8Array([0, 0, 0x08, 0x1e, 0, 0, 0, 0, 0, 0]));
