/** The two kinds of worker, with their starters, for tests that run once per kind. */
import { run, runThread } from "ezq";

export const KINDS = [
  ["process", run],
  ["thread", runThread],
] as const;
