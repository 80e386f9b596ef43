/**
 * What a process message costs on its way through JSON IPC: ezq encodes it at `put` into a
 * string (the snapshot that makes bad data fail at the call), and Node's IPC then escapes
 * that string inside its own JSON, so a message's text is escaped twice. The alternative
 * measured here still encodes at `put` but sends the value raw inside the IPC JSON. CPU
 * time (not wall time), best of 7, so that a busy shared machine skews it less.
 *
 *   npx tsx bench/payload-escape.ts
 */
const N = 1_000_000;
const BATCH = 100;

function cpuNsPerMessage(work: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 7; round++) {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    best = Math.min(best, used.user + used.system);
  }
  return (best * 1000) / N;
}

const values: Array<[string, unknown]> = [
  ["number", 12345],
  ["tuple", [12345, 24690]],
  ["record", { id: 12345, name: "item 12345", tags: ["a", "b"], ok: true }],
];

let sink = 0;
for (const [name, value] of values) {
  // ezq today: "j" + JSON at put, the string inside the IPC JSON, JSON.parse at read.
  const asString = cpuNsPerMessage(() => {
    for (let i = 0; i < N / BATCH; i++) {
      const batch: unknown[] = [];
      for (let j = 0; j < BATCH; j++) batch.push([`j${JSON.stringify(value)}`, "", 0]);
      for (const msg of JSON.parse(JSON.stringify(batch)) as [string][]) {
        sink += JSON.parse(msg[0].slice(1)) === null ? 0 : 1;
      }
    }
  });
  // The alternative: a copy at put (the snapshot), the value raw inside the IPC JSON.
  const raw = cpuNsPerMessage(() => {
    for (let i = 0; i < N / BATCH; i++) {
      const batch: unknown[] = [];
      for (let j = 0; j < BATCH; j++) batch.push([JSON.parse(JSON.stringify(value)), "", 0]);
      for (const msg of JSON.parse(JSON.stringify(batch)) as [unknown][]) {
        sink += msg[0] === null ? 0 : 1;
      }
    }
  });
  console.log(
    `${name.padEnd(7)} put -> IPC JSON -> read, CPU per message: string inside JSON ${Math.round(asString)} ns, raw value ${Math.round(raw)} ns`,
  );
}
if (sink < 0) console.log(sink);
