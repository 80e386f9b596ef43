/**
 * Whether the value being encoded goes to an agent on another machine. There, only Redis
 * queues can be reached: a local queue's handle would find no way home, so encoding one
 * fails at the call, saying what to use instead.
 */
let forAgent = false;

/** True while `encodeForAgent` runs. */
export function encodingForAgent(): boolean {
  return forAgent;
}

/** Runs `encode` with values bound for an agent. */
export function encodeForAgent<T>(encode: () => T): T {
  const outer = forAgent;
  forAgent = true;
  try {
    return encode();
  } finally {
    forAgent = outer;
  }
}
