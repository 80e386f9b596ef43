/** Quick start: apply a function to some inputs on every CPU, and get the results back. */
import * as ezq from "ezq";

console.log(await ezq.map((x: number) => x * 2, [0, 1, 2, 3, 4, 5]));
// => [ 0, 2, 4, 6, 8, 10 ]
