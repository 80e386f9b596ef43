// piscina's task for the map of 8 MB arrays: report the array's size, so that the figure
// is the cost of moving the data, not of working on it.
export default function byteLength(array) {
  return array.byteLength;
}
