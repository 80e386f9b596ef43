/**
 * Plain objects with an own `"__proto__"` key (what `JSON.parse` makes of such a key, as
 * in data from an outside API) cross as such: devalue refuses them, so they travel as
 * their entries and come back with the key defined as an own property, never as a
 * prototype: nothing is polluted on either side.
 */
import type { CodecType } from "./codec.js";
import { defineData, reviveOnce } from "./revive-once.js";

type Entries = Array<[key: string, value: unknown]>;

function reduce(value: unknown): Entries | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (Object.getPrototypeOf(value) !== Object.prototype || !Object.hasOwn(value, "__proto__")) {
    return undefined;
  }
  return Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]]);
}

const revive = reviveOnce<Entries, Record<string, unknown>>(
  () => ({}),
  (target, entries) => {
    for (const entry of entries) if (entry) defineData(target, entry[0], entry[1], true);
  },
);

/** How such objects cross: registered with the other types in queue/codec-types.ts. */
export const protoKeyType: CodecType<Record<string, unknown>> = { reduce, revive };
