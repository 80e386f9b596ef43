/**
 * The data of the binary and large-data comparisons (issue 11): 8 MB typed arrays and
 * 1.5 MB object graphs, made once so every contender sends the same bytes.
 */

/** A megabyte here is 2^20 bytes, so that an "8 MB" array is exactly 8 MB. */
export const MB = 2 ** 20;
/** Arrays per run: enough that a run lasts long past its start-up noise. */
export const ARRAYS = 16;
/** Object graphs per run. */
export const GRAPHS = 16;
const FLOATS = (8 * MB) / Float64Array.BYTES_PER_ELEMENT;
const OBJECTS = 20_000;

/** An 8 MB Float64Array of varied values (not zeros, which some codecs could shortcut). */
function bigArray(): Float64Array {
  const array = new Float64Array(FLOATS);
  for (let i = 0; i < FLOATS; i++) array[i] = i * 1.000_001;
  return array;
}

/**
 * Fresh copies of `template` for contenders that hand their arrays over: a transferred
 * buffer is detached, so each run needs its own, made before the clock starts.
 */
function copies(template: Float64Array, count: number): Float64Array[] {
  return Array.from({ length: count }, () => template.slice());
}

interface Item {
  id: number;
  name: string;
  tags: string[];
  score: number;
}

/** 20,000 small objects, about 1.5 MB as JSON: the "large object graph" of issue 11. */
function graph(): Item[] {
  const tags = ["alpha", "beta", "gamma", "delta", "epsilon"];
  return Array.from({ length: OBJECTS }, (_, i) => ({
    id: i,
    name: `item ${i}`,
    tags: tags.slice(0, 1 + (i % tags.length)),
    score: (i % 1000) / 8,
  }));
}

/** The size a graph is counted at: its JSON text, the form every transport could use. */
const graphBytes = (items: Item[]): number => Buffer.byteLength(JSON.stringify(items));

/**
 * What one run sends: the messages, their size in bytes (for MB/s), and the total its
 * reader must report (bytes of arrays, items of graphs), which proves nothing was lost.
 */
export interface Batch {
  messages: unknown[];
  bytes: number;
  expected: number;
}

let template: Float64Array | undefined;
let distinct: Float64Array[] | undefined;

/** ARRAYS arrays of 8 MB; `fresh` for contenders that hand them over (detaching them). */
export function arrayBatch(fresh: boolean): Batch {
  template ??= bigArray();
  // Copying contenders reuse one set of distinct arrays (a copy leaves them whole). Not one
  // array 16 times: a codec that keeps shared references (devalue, in a map chunk of many
  // items) would then send its bytes once, and the figure would not be a copy of 128 MB.
  distinct ??= copies(template, ARRAYS);
  const messages = fresh ? copies(template, ARRAYS) : distinct;
  const bytes = ARRAYS * 8 * MB;
  return { messages, bytes, expected: bytes };
}

let items: Item[] | undefined;
/** GRAPHS object graphs (the same graph each time: every send encodes it anew). */
export function graphBatch(): Batch {
  items ??= graph();
  return {
    messages: Array.from({ length: GRAPHS }, () => items),
    bytes: GRAPHS * graphBytes(items),
    expected: GRAPHS * items.length,
  };
}

/** MB per second for `bytes` moved in `ms`. */
export const mbPerSecond = (bytes: number, ms: number): number => bytes / MB / (ms / 1000);
