/**
 * The bench's output: a Markdown table per comparison for BENCHMARKS.md and, where the
 * table has ratios, a bar chart of them in bench/charts, linked under the table.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { type RatioChart, ratioChart } from "./chart.js";
import { type Row, round } from "./harness.js";

/** One ratio shown for a row: its value, its text in the table, its bar in the chart. */
export interface Ratio {
  value: number;
  text: string;
  /** The bar's label; the row's name by default. */
  bar?: string;
}

export interface Chart {
  /** File name in bench/charts, without ".svg". */
  file: string;
  /** What is divided by what, for the chart's caption. */
  caption: string;
  better?: RatioChart["better"];
}

// Compiled to bench/dist: the charts go beside it, in bench/charts.
const CHARTS = new URL("../charts/", import.meta.url);

const fmt = (value: number) => round(value).toLocaleString("en-US");

/** Prints a table of medians and runs; with ratios and a chart, writes and links the chart. */
export function table(
  title: string,
  unit: string,
  rows: Row[],
  ratios?: (row: Row) => Ratio[],
  chart?: Chart,
): void {
  const texts = rows.map((row) => (ratios?.(row) ?? []).map((r) => r.text).join("; "));
  const column = texts.some(Boolean);
  console.log(`\n### ${title}\n`);
  console.log(`| contender | median ${unit} | ${column ? "ratio | " : ""}runs |`);
  console.log(`|---|---|${column ? "---|" : ""}---|`);
  for (const [i, row] of rows.entries()) {
    const ratio = column ? ` ${texts[i]} |` : "";
    console.log(`| ${row.name} | ${fmt(row.median)} |${ratio} ${row.runs.map(fmt).join(", ")} |`);
  }
  if (!ratios || !chart) return;
  const bars = rows.flatMap((row) =>
    ratios(row).map((r) => ({ label: r.bar ?? row.name, value: r.value })),
  );
  const heading = title.replace(/^\d+b?\.\s*/, "");
  mkdirSync(CHARTS, { recursive: true });
  const svg = ratioChart({ title: heading, caption: chart.caption, bars, better: chart.better });
  writeFileSync(new URL(`${chart.file}.svg`, CHARTS), svg);
  console.log(`\n![${heading}](bench/charts/${chart.file}.svg)`);
}
