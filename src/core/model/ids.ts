/** Random bytes are drawn in blocks: one system call serves this many ids. */
const idsPerBlock = 256;
const idBytes = 16;
const hex = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));
let block = new Uint8Array(0);
let offset = 0;

/** Random ids: `prefix` + 32 lowercase hex (128 bits from the system CSPRNG, never reused). */
export function randomId(prefix: string): string {
  if (offset + idBytes > block.length) {
    block = crypto.getRandomValues(new Uint8Array(idBytes * idsPerBlock));
    offset = 0;
  }
  let id = prefix;
  for (let at = offset; at < offset + idBytes; at++) id += hex[block[at]!];
  offset += idBytes;
  return id;
}
