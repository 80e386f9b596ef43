import { ArgumentTypeError, preview } from "../errors.js";
import { expectKnownKeys, expectOptions, expectString } from "../validate.js";
const KEYS = ["env", "execArgv", "resourceLimits", "name"];
/** Checks `options` for a worker of `kind`; returns them, frozen, for reuse. */
export function checkWorkerOptions(what, kind, options) {
    const opts = expectOptions(what, options);
    expectKnownKeys(what, opts, KEYS);
    if (opts.env !== undefined) {
        const env = expectOptions(`${what} env`, opts.env);
        for (const [key, value] of Object.entries(env)) {
            if (value !== undefined && typeof value !== "string") {
                throw new ArgumentTypeError(`${what} env.${key} must be a string, received ${preview(value)}`);
            }
        }
    }
    if (opts.execArgv !== undefined) {
        if (!Array.isArray(opts.execArgv) || opts.execArgv.some((arg) => typeof arg !== "string")) {
            throw new ArgumentTypeError(`${what} execArgv must be an array of strings, received ${preview(opts.execArgv)}`);
        }
    }
    if (opts.resourceLimits !== undefined) {
        if (kind === "process") {
            throw new ArgumentTypeError(`${what} resourceLimits applies to thread workers only; limit a process worker's heap with ` +
                'execArgv: ["--max-old-space-size=MB"]');
        }
        expectOptions(`${what} resourceLimits`, opts.resourceLimits);
    }
    if (opts.name !== undefined)
        expectString(`${what} name`, opts.name);
    return Object.freeze({ ...opts });
}
/** True when no option is set: such workers may be started ahead of need. */
export function isDefault(options) {
    return Object.values(options).every((value) => value === undefined);
}
