// Raw floor for large messages to a process over IPC (json or advanced serialization,
// as the parent forked it): add up what arrives, report it on "end".
import { sizeOf } from "./size.mjs";

let total = 0;
process.send("ready");
process.on("message", (message) => {
  if (message !== "end") total += sizeOf(message);
  else {
    process.send(total);
    total = 0;
  }
});
