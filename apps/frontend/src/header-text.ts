// Header values Dapr can carry to another app: daprd sends headers between sidecars as protobuf strings, which must
// be UTF-8, and answers any other byte sequence with 500 ERR_DIRECT_INVOKE. The browser is told instead.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The first header whose value is not UTF-8 text (Node hands header bytes over as Latin-1), or undefined. */
export function headerNotUtf8(headers: Headers): string | undefined {
  let found: string | undefined;
  headers.forEach((value, name) => {
    if (found || /^[\t\x20-\x7e]*$/.test(value)) return;
    try {
      utf8.decode(Buffer.from(value, 'latin1'));
    } catch {
      found = name;
    }
  });
  return found;
}
