/** What `Q.stop()` waits for: anything that can be joined, a `Worker` among them. */
import { ArgumentTypeError, preview } from "../errors.js";
/** The joinables in `workers`: one, or an iterable of them. Throws at the call for anything else. */
export function toJoinables(workers) {
    if (workers === null || typeof workers !== "object")
        throw notJoinable(workers);
    // Iterable first: an array has a join() of its own.
    if (!(Symbol.iterator in workers)) {
        if (isJoinable(workers))
            return [workers];
        throw notJoinable(workers);
    }
    const list = [...workers];
    list.forEach((worker, i) => {
        if (!isJoinable(worker)) {
            throw new ArgumentTypeError(`Q.stop(workers): item ${i} is not a Worker but ${preview(worker)}`);
        }
    });
    return list;
}
function isJoinable(value) {
    return (value !== null &&
        typeof value === "object" &&
        typeof value.join === "function");
}
function notJoinable(workers) {
    return new ArgumentTypeError(`Q.stop(workers) takes a Worker or an iterable of Workers, received ${preview(workers)}`);
}
