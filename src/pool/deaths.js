/** How many worker deaths one `map` call survives before it gives up. */
import { WorkerDeathsError } from "../errors.js";
/** Worker deaths one `map` call survives (each time the chunk runs again on a new worker). */
export const MAX_WORKER_DEATHS = 3;
/**
 * Counts the worker deaths of one `map` call: one per dead worker, however many chunks
 * it held (the pool fails all of a dead worker's chunks with the same error).
 */
export class DeathCount {
    #deaths = new Set();
    /** Notes the death behind `error`; throws a `WorkerDeathsError` past the bound. */
    note(error, itemIndex) {
        this.#deaths.add(error);
        if (this.#deaths.size > MAX_WORKER_DEATHS) {
            throw new WorkerDeathsError(MAX_WORKER_DEATHS, itemIndex, { cause: error });
        }
    }
}
