// One message at a time: a reader blocked in XREADGROUP COUNT 1 measures how long each
// message took from XADD (its timestamp, on the same machine's clock) to arrival.
import { createClient } from "redis";

const [url, stream, group, count] = process.argv.slice(2);
const client = createClient({ url, RESP: 2 });
await client.connect();
process.send("ready");
const latencies = [];
while (latencies.length < Number(count)) {
  const reply = await client.sendCommand([
    "XREADGROUP",
    "GROUP",
    group,
    "r",
    "COUNT",
    "1",
    "BLOCK",
    "0",
    "STREAMS",
    stream,
    ">",
  ]);
  const now = performance.timeOrigin + performance.now();
  const [id, fields] = reply[0][1][0];
  latencies.push(now - Number(fields[1]));
  await client.sendCommand(["XACK", stream, group, id]);
  process.send("next");
}
latencies.sort((a, b) => a - b);
process.send({ p50: latencies[latencies.length >> 1] });
client.destroy();
process.disconnect();
