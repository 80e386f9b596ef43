import { compare } from "./harness.js";
import * as trivial from "./suites/map-trivial.js";

for (const rows of [await compare(trivial.threads(), 3), await compare(trivial.processes(), 3)]) {
  for (const row of rows) console.log(row.name, Math.round(row.median), row.runs.map(Math.round));
}
