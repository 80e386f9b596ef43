/**
 * Bar charts of ratio tables as small self-contained SVG files (no dependencies, no
 * fonts or scripts to load), so BENCHMARKS.md shows each gap at a glance. Ratios go on a
 * log scale, each bar growing from the 1x line: 2x and 0.5x are the same distance from
 * parity, and a bar's side tells at once which contender is ahead.
 */

export interface Bar {
  label: string;
  /** A ratio; bars that are not positive numbers are shown as "n/a". */
  value: number;
}

export interface RatioChart {
  title: string;
  /** One line under the title: what is divided by what. */
  caption: string;
  bars: Bar[];
  /** Which side of 1x is good: bars there are green, the others orange. Default higher. */
  better?: "higher" | "lower";
}

const WIDTH = 720;
const PAD = 16;
/** Room each side of the plot for the value printed past a bar's end. */
const VALUE_ROOM = 64;
const ROW = 36;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';
/** Labels cross the grid and the 1x line: a white outline keeps them legible. */
const HALO = 'stroke="#fff" stroke-width="3" paint-order="stroke"';
const GOOD = "#2e7d32";
const BAD = "#e07000";

const xml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot" }[c]};`);

/** Rounds for display: 3 significant digits. */
const show = (value: number) =>
  `${value.toLocaleString("en-US", { maximumSignificantDigits: 3 })}x`;

/** Splits text into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** Axis ticks (1, 2, 5 per decade; only decades when that makes too many) around 1x. */
function ticks(values: number[]): number[] {
  const lo = Math.min(1, ...values);
  const hi = Math.max(1, ...values);
  const candidates = (steps: number[]) => {
    const all: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
      for (const step of steps) all.push(Number((step * 10 ** e).toPrecision(3)));
    const below = all.filter((t) => t <= lo).at(-1) ?? lo;
    const above = all.find((t) => t >= hi) ?? hi;
    return all.filter((t) => t >= below && t <= above);
  };
  const fine = candidates([1, 2, 5]);
  const chosen =
    fine.length > 8 ? candidates([1]) : fine.length < 4 ? candidates([1, 1.5, 2, 3, 5, 7]) : fine;
  // All bars at parity still need an axis around the 1x line.
  return chosen.length > 1 ? chosen : [0.5, 1, 2];
}

/** The SVG text of a horizontal bar chart of ratios. */
export function ratioChart({ title, caption, bars, better = "higher" }: RatioChart): string {
  const values = bars.map((bar) => bar.value).filter((value) => value > 0);
  const axis = ticks(values);
  const [lo, hi] = [axis[0] as number, axis.at(-1) as number];
  const left = PAD + VALUE_ROOM;
  const right = WIDTH - PAD - VALUE_ROOM;
  const x = (value: number) => {
    const share = (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
    return Math.round((left + share * (right - left)) * 10) / 10;
  };

  const out: string[] = [];
  let y = PAD;
  for (const line of wrap(title, 88)) {
    y += 17;
    out.push(`<text x="${PAD}" y="${y}" font-size="14" font-weight="bold">${xml(line)}</text>`);
  }
  for (const line of wrap(caption, 105)) {
    y += 16;
    out.push(`<text x="${PAD}" y="${y}" font-size="12" fill="#555">${xml(line)}</text>`);
  }
  const top = y + 14;
  bars.forEach((bar, i) => {
    const rowTop = top + i * ROW;
    out.push(`<text x="${PAD}" y="${rowTop + 12}" font-size="12" ${HALO}>${xml(bar.label)}</text>`);
    if (!(bar.value > 0)) {
      out.push(`<text x="${x(1) + 4}" y="${rowTop + 28}" font-size="12" fill="#555">n/a</text>`);
      return;
    }
    const ahead = bar.value >= 1 === (better === "higher");
    const [from, to] = [x(Math.min(1, bar.value)), x(Math.max(1, bar.value))];
    out.push(
      `<rect x="${from}" y="${rowTop + 17}" width="${Math.max(1, Math.round((to - from) * 10) / 10)}" height="14" fill="${ahead ? GOOD : BAD}"/>`,
    );
    const [at, anchor] = bar.value >= 1 ? [to + 4, "start"] : [from - 4, "end"];
    out.push(
      `<text x="${at}" y="${rowTop + 28}" font-size="12" text-anchor="${anchor}" ${HALO}>${show(bar.value)}</text>`,
    );
  });
  const bottom = top + bars.length * ROW + 4;
  const grid = axis.map((tick) => {
    const at = x(tick);
    const line = `<line x1="${at}" y1="${top}" x2="${at}" y2="${bottom}" stroke="#ddd"/>`;
    const label = `<text x="${at}" y="${bottom + 14}" font-size="11" fill="#555" text-anchor="middle">${show(tick)}</text>`;
    return line + label;
  });
  const parity = `<line x1="${x(1)}" y1="${top - 4}" x2="${x(1)}" y2="${bottom}" stroke="#c62828" stroke-width="1.5" stroke-dasharray="4 3"/>`;
  const height = bottom + 14 + PAD;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" ${FONT}>`,
    // What screen readers and tooltips give for the chart.
    `<title>${xml(`${title}: ${caption}`)}</title>`,
    // An opaque background, so the chart reads on dark pages too.
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    ...grid,
    parity,
    ...out,
    "</svg>",
    "",
  ].join("\n");
}
