/** A run of consecutive `map` items sent to a worker together, and what became of it. */
import { decode } from "../codec/codec.js";
import { ChunkError } from "../errors.js";
import { asError } from "../worker/outcome.js";
/** True once the chunk's results or error arrived. */
export function isSettled(chunk) {
    return chunk.done !== undefined || chunk.error !== undefined;
}
/**
 * The chunk's results and, for a failed chunk, the error to throw after them: the
 * task's error, with `itemIndex` set to the failing item's index in the whole input.
 */
export function unpack(chunk) {
    const { error } = chunk;
    if (error instanceof ChunkError) {
        const thrown = asError(error.cause);
        if (Object.isExtensible(thrown))
            Object.assign(thrown, { itemIndex: chunk.start + error.index });
        return { values: error.values, error: thrown };
    }
    if (error !== undefined)
        return { values: [], error };
    return { values: decode(chunk.done.values) };
}
