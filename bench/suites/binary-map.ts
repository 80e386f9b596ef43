/**
 * `map` over 16 arrays of 8 MB on threads, each task returning its array's byteLength,
 * against piscina running the same task on the same data, copied and with
 * `Piscina.move`. Both use NUM_CPUS warm threads. Figure: MB/s, until every result is back.
 */
import { closePools, map, NUM_CPUS } from "ezq";
import { Piscina } from "piscina";
import type { Contender } from "../harness.js";
import { timed } from "../harness.js";
import { type Batch, mbPerSecond } from "./binary-data.js";
import { handOverLabel, move } from "./binary-move.js";

const task = new URL("../../peers/byte-length.mjs", import.meta.url).href;
const warmUp = () => Array.from({ length: 4 * NUM_CPUS }, () => new Float64Array(1024));

/** Times `send` over a batch and checks that the results add up to its bytes. */
async function figure(batch: Batch, send: (arrays: Float64Array[]) => Promise<number[]>) {
  let results: number[] = [];
  const ms = await timed(async () => {
    results = await send(batch.messages as Float64Array[]);
  });
  const total = results.reduce((a, b) => a + b, 0);
  if (total !== batch.expected) throw new Error(`map counted ${total}, not ${batch.expected}`);
  return mbPerSecond(batch.bytes, ms);
}

function piscina(handOver: boolean, batch: () => Batch): Contender {
  let pool: Piscina;
  return {
    name: `piscina, ${handOver ? "Piscina.move" : "copied"} (${NUM_CPUS} threads)`,
    async setup() {
      pool = new Piscina({ filename: task, minThreads: NUM_CPUS, maxThreads: NUM_CPUS });
      await Promise.all(warmUp().map((array) => pool.run(array)));
    },
    run: () =>
      figure(batch(), (arrays) =>
        Promise.all(arrays.map((array) => pool.run(handOver ? Piscina.move(array) : array))),
      ),
    teardown: () => pool.destroy(),
  };
}

function ezqMap(handOver: boolean, batch: () => Batch): Contender {
  const byteLength = (array: Float64Array) => array.byteLength;
  // Warm for every run, as piscina's pool is (see map-trivial.ts).
  const options = { num: NUM_CPUS, idleTimeout: Number.POSITIVE_INFINITY };
  const hand = handOver && move ? move : (array: Float64Array) => array;
  return {
    name: `ezq map, ${handOver ? handOverLabel : "copied"} (${NUM_CPUS} threads)`,
    setup: async () => void (await map(byteLength, warmUp(), options)),
    run: () =>
      figure(batch(), (arrays) => map(byteLength, arrays.map(hand) as Float64Array[], options)),
    teardown: () => closePools(),
  };
}

/** Copied, then handed over: the fresh batches are for the contenders that detach them. */
export function contenders(copied: () => Batch, fresh: () => Batch): Contender[] {
  return [piscina(false, copied), ezqMap(false, copied), piscina(true, fresh), ezqMap(true, fresh)];
}
