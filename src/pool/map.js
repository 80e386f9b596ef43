/** `map`: a task applied to zipped iterables on a warm pool. */
import { ArgumentTypeError } from "../errors.js";
import { isPlainObject } from "../validate.js";
import { describeTask } from "../worker/task.js";
import { checkOptions } from "./map-options.js";
import { MapResult } from "./map-result.js";
import { MapRun } from "./map-run.js";
import { ZipReader } from "./zip.js";
export function map(task, ...rest) {
    const spec = describeTask(task, "map(task)");
    const last = rest[rest.length - 1];
    const options = isPlainObject(last) ? rest.pop() : {};
    const settings = checkOptions(options);
    if (rest.length === 0) {
        throw new ArgumentTypeError("map(task, ...iterables) needs at least one iterable of inputs");
    }
    const input = new ZipReader(rest);
    const run = new MapRun(spec, input, ZipReader.knownLength(rest), settings);
    return MapResult.collect(run);
}
