// The same tasks for workerpool, whose workers register functions by name.
const workerpool = require("workerpool");

function task(input) {
  if (typeof input === "number") return input + 1;
  let sum = 0;
  for (let i = 0; i < input.spin; i++) sum += Math.sqrt(i);
  return sum;
}

workerpool.worker({ task });
