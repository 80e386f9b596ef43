// A hand-written Redis Streams reader, the floor ezq's Redis queue is measured against:
// XREADGROUP COUNT 1000, the XACK of each batch sent in the pipeline of the next read.
// Reports each batch's size to its parent; stops when told.
import { createClient } from "redis";

const [url, stream, group, consumer] = process.argv.slice(2);
const client = createClient({ url, RESP: 2 });
await client.connect();
let stop = false;
process.on("message", (message) => {
  if (message === "stop") stop = true;
});
process.send("ready");
let acks = [];
process.on("unhandledRejection", () => process.exit(0)); // the stream deleted under a read: done
while (!stop) {
  const ack = acks.length > 0 ? client.sendCommand(["XACK", stream, group, ...acks]) : undefined;
  const reply = await client.sendCommand([
    "XREADGROUP",
    "GROUP",
    group,
    consumer,
    "COUNT",
    "1000",
    "BLOCK",
    "100",
    "STREAMS",
    stream,
    ">",
  ]);
  await ack;
  acks = [];
  if (!reply) continue;
  const entries = reply[0][1];
  for (const [id, fields] of entries) {
    acks.push(id);
    JSON.parse(fields[1]);
  }
  process.send(entries.length);
}
client.destroy();
process.disconnect();
