// The tasks every peer pool runs, as worker files (piscina, tinypool): the default export.
export default function task(input) {
  if (typeof input === "number") return input + 1;
  let sum = 0;
  for (let i = 0; i < input.spin; i++) sum += Math.sqrt(i);
  return sum;
}
