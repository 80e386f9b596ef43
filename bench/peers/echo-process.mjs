// Raw floor for queues to processes: count one-way IPC messages, report on "end".
let count = 0;
process.send("ready");
process.on("message", (message) => {
  if (message === "end") process.send(count, () => process.disconnect());
  else count++;
});
