/**
 * `onnxline report`: collects the zoo's runs, writes REPORT.md and a self-contained HTML page
 * (both atomically), and returns what it wrote plus one summary line per row.
 */
import { dirname, join, resolve } from 'node:path';
import type { Recipe } from '../recipe.ts';
import { writeFileAtomic } from '../runner/atomic.ts';
import { collectReport, type ReportData } from './collect.ts';
import { renderMarkdown, summaryLine } from './markdown.ts';
import { renderHtml } from './html.ts';
import type { ReportNote } from './rows.ts';

export interface WriteReportOptions {
  recipes: Iterable<Recipe>;
  runsRoot: string;
  /** REPORT.md path (default: REPORT.md in the working directory). */
  out?: string;
  /** HTML path (default: report.html next to the Markdown file). */
  html?: string;
  notes: Readonly<Record<string, ReportNote>>;
  warn?: (line: string) => void;
  machine?: string;
}

export interface WrittenReport {
  markdownPath: string;
  htmlPath: string;
  data: ReportData;
  summary: string[];
}

export async function writeReport(o: WriteReportOptions): Promise<WrittenReport> {
  const markdownPath = resolve(o.out ?? 'REPORT.md');
  const htmlPath = resolve(o.html ?? join(dirname(markdownPath), 'report.html'));
  const data = await collectReport({
    recipes: o.recipes,
    runsRoot: resolve(o.runsRoot),
    notes: o.notes,
    warn: o.warn ?? ((line) => console.warn(line)),
    ...(o.machine !== undefined ? { machine: o.machine } : {}),
  });
  await writeFileAtomic(markdownPath, renderMarkdown(data));
  await writeFileAtomic(htmlPath, await renderHtml(data));
  return { markdownPath, htmlPath, data, summary: data.rows.map(summaryLine) };
}

export type { ReportData } from './collect.ts';
export type { ReportNote, ReportRow } from './rows.ts';
