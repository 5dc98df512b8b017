/**
 * The SQL carried by PostgreSQL frontend (client → server) protocol messages,
 * for the low-level PGlite entry points that take raw bytes (execProtocol,
 * execProtocolRaw …): Query ('Q') and Parse ('P') carry statement text; a
 * FunctionCall ('F') calls a function by OID with no text at all.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
export interface FrontendStatement {
  type: 'Q' | 'P' | 'F';
  /** Statement text ('Q', 'P'); empty for 'F'. */
  text: string;
}

export interface DecodedMessages {
  statements: FrontendStatement[];
  /** The bytes are not a sequence of well-formed typed messages. */
  malformed: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function cstring(buf: Uint8Array, start: number, end: number): { text: string; next: number } | undefined {
  const zero = buf.indexOf(0, start);
  if (zero === -1 || zero >= end) return undefined;
  return { text: decoder.decode(buf.subarray(start, zero)), next: zero + 1 };
}

export function decodeFrontendMessages(buf: Uint8Array): DecodedMessages {
  const statements: FrontendStatement[] = [];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let i = 0;
  while (i < buf.length) {
    if (i + 5 > buf.length) return { statements, malformed: true };
    const type = String.fromCharCode(buf[i]!);
    const length = view.getInt32(i + 1);
    const end = i + 1 + length;
    if (length < 4 || end > buf.length) return { statements, malformed: true };
    if (type === 'Q') {
      const s = cstring(buf, i + 5, end);
      if (!s) return { statements, malformed: true };
      statements.push({ type: 'Q', text: s.text });
    } else if (type === 'P') {
      const name = cstring(buf, i + 5, end);
      const s = name && cstring(buf, name.next, end);
      if (!s) return { statements, malformed: true };
      statements.push({ type: 'P', text: s.text });
    } else if (type === 'F') {
      statements.push({ type: 'F', text: '' });
    }
    i = end;
  }
  return { statements, malformed: false };
}
