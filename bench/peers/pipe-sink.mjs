// The raw pipe limit: read length-prefixed frames from the extra stdio pipe (fd 4),
// counting bytes without copying them, and answer each whole frame with one byte, so the
// parent knows when everything it wrote has been read here.
import { Socket } from "node:net";

const pipe = new Socket({ fd: 4, readable: true, writable: true });
const ACK = Buffer.from([1]);
let header = Buffer.alloc(0); // the part of a 4-byte length read so far
let left = 0; // payload bytes of the current frame still to come

pipe.on("data", (chunk) => {
  let at = 0;
  while (at < chunk.length) {
    if (left === 0) {
      // A header may be split across chunks: gather its 4 bytes first.
      const need = 4 - header.length;
      header = Buffer.concat([header, chunk.subarray(at, at + need)]);
      at += need;
      if (header.length < 4) return;
      left = header.readUInt32LE(0);
      header = Buffer.alloc(0);
    }
    const take = Math.min(left, chunk.length - at);
    left -= take;
    at += take;
    if (left === 0) pipe.write(ACK);
  }
});
process.send("ready");
process.on("disconnect", () => pipe.destroy());
