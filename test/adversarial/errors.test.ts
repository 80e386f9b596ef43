/**
 * Adversarial: whatever a task throws, join() rejects with something that says what it
 * was, and never hangs or crashes the parent.
 */
import { ThrownValueError } from "ezq";
import { describe, expect, it } from "vitest";
import { KINDS } from "../support/kinds.js";

describe.each(KINDS)("a %s task that throws", (_kind, start) => {
  it.each([
    ["null", () => null, null],
    ["undefined", () => undefined, undefined],
    ["a number", () => 42, 42],
    ["a plain object", () => ({ code: 7 }), { code: 7 }],
  ])("%s: ThrownValueError holding the value", async (_name, make, expected) => {
    const error = await start((make: string) => {
      throw new Function(`return (${make})()`)();
    }, make.toString())
      .join()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrownValueError);
    expect((error as ThrownValueError).value).toEqual(expected);
  });

  it("a symbol or a function: ThrownValueError describing it", async () => {
    for (const make of ['Symbol("sym")', "(() => 1)"]) {
      const error = await start((make: string) => {
        throw new Function(`return ${make}`)();
      }, make)
        .join()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ThrownValueError);
      expect(String((error as ThrownValueError).value)).toMatch(/sym|=>/);
    }
  });

  it("a frozen error, a Proxy of an error, an error with a non-string stack", async () => {
    const cases = [
      () => Object.freeze(new RangeError("frozen")),
      () => new Proxy(new TypeError("proxied"), {}),
      () => {
        const e = new Error("odd stack");
        Object.defineProperty(e, "stack", { value: 42 });
        return e;
      },
    ];
    const messages: string[] = [];
    for (const make of cases) {
      const error = await start((make: string) => {
        throw new Function(`return (${make})()`)();
      }, make.toString())
        .join()
        .catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      messages.push((error as Error).message);
    }
    expect(messages).toEqual(["frozen", "proxied", "odd stack"]);
  });

  it("an error whose property getter throws keeps the rest and describes that property", async () => {
    const error = await start(() => {
      const e = Object.assign(new Error("mostly fine"), { code: "E_FINE" });
      Object.defineProperty(e, "detail", {
        enumerable: true,
        get() {
          throw new Error("no detail");
        },
      });
      throw e;
    })
      .join()
      .catch((e: unknown) => e as Error & { code: string; detail: string });
    expect(error.message).toBe("mostly fine");
    expect(error.code).toBe("E_FINE");
    expect(error.detail).toMatch(/unreadable: no detail/);
  });

  it("an error with a socket and a function among its properties keeps the rest", async () => {
    const error = await start(async () => {
      const { Socket } = await import("node:net");
      throw Object.assign(new Error("with handles"), {
        socket: new Socket(),
        retry: () => 1,
        status: 503,
      });
    })
      .join()
      .catch((e: unknown) => e as Error & { status: number; socket: string; retry: string });
    expect(error.message).toBe("with handles");
    expect(error.status).toBe(503);
    expect(error.socket).toMatch(/unsendable/);
    expect(error.retry).toMatch(/unsendable/);
  });

  it("an error subclass keeps its name, code and cause chain three deep", async () => {
    const error = await start(() => {
      class HttpError extends Error {
        override name = "HttpError";
        status = 404;
      }
      throw new HttpError("not found", {
        cause: new TypeError("bad url", { cause: new Error("root") }),
      });
    })
      .join()
      .catch((e: unknown) => e as Error & { status: number });
    expect(error.name).toBe("HttpError");
    expect(error.status).toBe(404);
    expect((error.cause as Error).name).toBe("TypeError");
    expect(((error.cause as Error).cause as Error).message).toBe("root");
  });
});
