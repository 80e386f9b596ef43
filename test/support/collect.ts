/** Gathers an async iterable into an array (Array.fromAsync arrives in Node 22). */
export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of source) out.push(value);
  return out;
}
