/**
 * The cost of one `map` call over 16 arrays on 2 threads, against piscina in the same
 * process, calls alternating (issue 11, fifth step): `tiny` (Float64Array(1), moved:
 * the fixed cost of a call), `moved` (8 MB arrays, moved) or `copied` (16 distinct 8 MB
 * arrays, copied). Prints the median milliseconds per call of each and piscina's over ezq's.
 * Usage: npx tsx bench/map-call-probe.ts tiny|moved|copied [calls] (after `npm ci --prefix bench`:
 * piscina is a dependency of the bench only, which is why the root tsconfig leaves this out)
 */
import { closePools, map, move } from "ezq";
import { Piscina } from "piscina";
import { median } from "./median.js";

const mode = process.argv[2] ?? "copied";
const calls = Number(process.argv[3] ?? 40);
const floats = mode === "tiny" ? 1 : (8 * 2 ** 20) / 8;
const task = new URL("./peers/byte-length.mjs", import.meta.url).href;
const pool = new Piscina({ filename: task, minThreads: 2, maxThreads: 2 });
const options = { num: 2, idleTimeout: Number.POSITIVE_INFINITY };
const byteLength = (array: Float64Array) => array.byteLength;

const template = new Float64Array(floats).map((_, i) => i * 1.000_001);
const distinct = Array.from({ length: 16 }, () => template.slice());
const batch = () => (mode === "copied" ? distinct : distinct.map((array) => array.slice()));

const warm = Array.from({ length: 8 }, () => new Float64Array(4));
await Promise.all(warm.map((array) => pool.run(array)));
await map(byteLength, warm, options);

const ezqMs: number[] = [];
const piscinaMs: number[] = [];
for (let call = 0; call < calls; call++) {
  let arrays = batch();
  let started = performance.now();
  await map(byteLength, mode === "copied" ? arrays : arrays.map(move), options);
  ezqMs.push(performance.now() - started);
  arrays = batch();
  started = performance.now();
  await Promise.all(
    arrays.map((array) => pool.run(mode === "copied" ? array : Piscina.move(array))),
  );
  piscinaMs.push(performance.now() - started);
}
const ezq = median(ezqMs);
const piscina = median(piscinaMs);
console.log(
  `${mode}: ezq ${ezq.toFixed(2)} ms, piscina ${piscina.toFixed(2)} ms per call; ` +
    `ezq is ${(piscina / ezq).toFixed(2)}x piscina (${calls} calls each)`,
);
await pool.destroy();
await closePools();
