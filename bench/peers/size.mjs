// What a raw sink counts for one message, as ezq's readers do: bytes of a typed array
// (or Buffer), items of an object graph.
export function sizeOf(data) {
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (Array.isArray(data)) return data.length;
  return Number.NaN;
}
