/** A child for bench/watchdog-cost.ts: starts the watchdog (or not), then says it is ready. */
import { watchParent } from "../../src/worker/watchdog.js";

const started = performance.now();
if (process.argv[2] === "with") watchParent();
const syncMs = performance.now() - started;
process.send?.({ syncMs });
process.on("disconnect", () => process.exit(0));
