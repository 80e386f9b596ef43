/** Every example runs with tsx, prints what the Python original prints, and exits by itself. */
import { describe, expect, it } from "vitest";
import { runScript, TSX } from "./support/run-script.js";

const collatz = Array.from({ length: 40 }, (_, n) => {
  const next = n % 2 === 0 ? n / 2 : 3 * n + 1;
  const float = (x: number) => (Number.isInteger(x) ? x.toFixed(1) : String(x));
  return `(${float(n)}, ${float(next)})`;
});

const examples: Array<[string, string[]]> = [
  ["quickstart", ["[ 0, 2, 4, 6, 8, 10 ]"]],
  ["summer", ["499500"]],
  ["collatz", collatz],
  // The sum of the character codes of the Lorem ipsum text, as Python ezq's words.py prints.
  ["words", ["52134"]],
  // Piped (not a terminal), the progress bar draws nothing: the summary line remains.
  ["progress", ["9604 primes among the 200000 numbers from 1,000,000,000"]],
];

describe("examples", () => {
  it.each(examples)("%s prints the expected output and exits", async (name, lines) => {
    const result = await runScript(TSX, [`examples/${name}.ts`], { deadlineMs: 60_000 });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual(lines);
  });
});
