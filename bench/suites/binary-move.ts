/**
 * ezq's `move(value)` (issue 11), looked up at run time: the bench measures the copy path
 * today and the hand-over once ezq exports `move`, with no change here and no compile
 * error either way.
 */
import * as ezq from "ezq";

type Move = (value: unknown) => unknown;

/** ezq's `move`, or undefined while this ezq has none. */
export const move: Move | undefined =
  "move" in ezq ? (ezq as unknown as { move: Move }).move : undefined;

/** How a contender's name says which path it measured. */
export const handOverLabel = move
  ? "handed over with move()"
  : `copied: ezq ${ezq.version} has no move()`;
