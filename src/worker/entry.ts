/**
 * The one file every worker runs. It links to the parent, connects this context's queue
 * routes to it, and offers the worker API (run one task, or run chunks of `map` items) over
 * comlink. It leaves when its parent lets it go (see leave.ts); a child process whose parent
 * is gone exits, even from a busy loop (see watchdog.ts): no orphans.
 */
import { isMainThread, type MessagePort, workerData } from "node:worker_threads";
import "../queue/codec-types.js";
import { routes } from "../queue/routes.js";
import { Link } from "../transport/link.js";
import { LINK_PORT, parentProcessPort, parentThreadPort } from "../transport/port.js";
import { Channel, type ControlFrame, packedIn } from "../transport/protocol.js";
import { exposeApi } from "./api.js";
import { departure } from "./leave.js";
import { encodeThrown } from "./outcome.js";
import { runChunkNextTurn } from "./run-chunk.js";
import { runTask } from "./run-task.js";
import { watchParent } from "./watchdog.js";

const inProcess = isMainThread;
const link = new Link(
  inProcess
    ? parentProcessPort()
    : parentThreadPort((workerData as Record<string, MessagePort>)[LINK_PORT] as MessagePort),
);
const leave = departure(link);
routes.connectParent(link);

link.on(Channel.control, (frame) => {
  if ((frame as ControlFrame)[0] === "exit") leave(0);
});

if (inProcess) {
  // The parent is gone: nothing here may outlive it. A parent that died while this entry
  // was still loading closed the channel before anyone listened.
  link.onClose(() => leave(0));
  if (!process.connected) process.exit(0);
  watchParent();
  // An error thrown outside any task (a timer, an unhandled rejection) ends the process as
  // Node would, with code 1, once the parent has been told why.
  process.on("uncaughtException", (error) => {
    const thrown = encodeThrown(error);
    link.send(Channel.control, ["fatal", thrown] satisfies ControlFrame, [], packedIn([thrown]));
    leave(1);
  });
}

// One task per run() worker: the parent sends `exit` once its reply has arrived.
exposeApi({ run: runTask, chunk: runChunkNextTurn }, link);
