/**
 * A value made on first use and kept: for what most contexts never need (a parser, a
 * loader), so that they do not pay for it at startup. An explicit holder, rather than a
 * module-level `let`, so that the only state a module keeps is in objects it names.
 */
export class Lazy<T> {
  readonly #make: () => T;
  #made: { value: T } | undefined;

  /** @param make - makes the value, once, on the first `get()`. */
  constructor(make: () => T) {
    this.#make = make;
  }

  /** The value, made now if this is the first call. */
  get(): T {
    this.#made ??= { value: this.#make() };
    return this.#made.value;
  }

  /** True once the value was made. */
  get made(): boolean {
    return this.#made !== undefined;
  }
}
