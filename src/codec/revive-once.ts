/**
 * Reviving values that may contain themselves. When a value's data leads back to the value
 * (an error that is its own cause, an object that holds itself), devalue calls the reviver
 * twice with the same data array: first while the array is still being filled (for the
 * inner reference), then with it whole. Both calls must give the same object, and the
 * second completes it; `create` may only read what comes before the parts that can refer
 * back.
 */

/** A reviver that gives one object per data array, completed on each call. */
export function reviveOnce<D extends object, T extends object>(
  create: (data: Partial<D>) => T,
  complete: (value: T, data: Partial<D>) => void,
): (data: unknown) => T {
  const revived = new WeakMap<object, T>();
  return (data) => {
    const parts = data as Partial<D>;
    let value = revived.get(parts);
    if (!value) {
      value = create(parts);
      revived.set(parts, value);
    }
    complete(value, parts);
    return value;
  };
}

/** Defines a property as data: a key such as "__proto__" becomes a key, not a prototype. */
export function defineData(target: object, key: string, value: unknown, enumerable = false): void {
  Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable });
}
