/**
 * Renders the collected report as one self-contained HTML page: the same tables as REPORT.md plus
 * each run's training curves and confusion matrix, embedded as base64 data URIs (no external assets).
 */
import { readFile } from 'node:fs/promises';
import type { ReportData } from './collect.ts';
import { runCommand } from './rows.ts';
import { sections } from './studies.ts';
import { COLUMNS, reportCommand, rowCells, rowNotes } from './markdown.ts';
import { pct } from './format.ts';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Markdown **bold** in notes → <strong>; everything else escaped. */
function inline(s: string): string {
  return esc(s).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`([^`]+)`/g, '<code>$1</code>');
}

async function dataUri(path: string | null): Promise<string | null> {
  if (!path) return null;
  try {
    return `data:image/png;base64,${(await readFile(path)).toString('base64')}`;
  } catch {
    return null;
  }
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}th,td{border:1px solid #bbb;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#eee}pre{background:#f5f5f5;padding:0.8em;overflow-x:auto}figure{display:inline-block;margin:0.5em}
figcaption{font-size:0.85em;color:#555}img{max-width:640px;border:1px solid #ddd}.short{color:#a00}`;

export async function renderHtml(data: ReportData): Promise<string> {
  const H: string[] = [];
  H.push('<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">', '<title>onnxline: results against the studies</title>', `<style>${STYLE}</style>`, '</head><body>');
  H.push('<h1>onnxline: results against the studies</h1>');
  H.push(`<p>Written by <code>${esc(reportCommand(data))}</code> from the runs under <code>${esc(data.runsRoot)}/</code>.</p>`);
  if (data.invocations.length) {
    H.push('<p>The runs reported here were made by:</p><pre>');
    for (const inv of data.invocations) H.push(esc(inv.reconstructed ? `${inv.command}    # rebuilt from the run's config` : inv.command));
    H.push(`${esc(reportCommand(data))}</pre>`);
  }
  H.push('<ul>', `<li>Newest run: ${esc(data.newestRun ?? '—')}</li>`, `<li>Machine: ${esc(data.machine)}</li>`, `<li>Training backends: ${esc(data.backends.join(', ') || '—')}</li>`, '</ul>');

  for (const s of sections(data.rows)) {
    H.push(`<h2>${esc(s.title)}</h2>`, '<table>', `<tr>${COLUMNS.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`);
    for (const r of s.rows) H.push(`<tr${r.shortBy !== null ? ' class="short"' : ''}>${rowCells(r).map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`);
    H.push('</table>');
    const notes = s.rows.flatMap(rowNotes);
    if (notes.length) H.push('<ul>', ...notes.map((n) => `<li>${inline(n)}</li>`), '</ul>');
    for (const r of s.rows) {
      for (const run of r.runs) {
        const curves = await dataUri(run.curvesPng);
        const confusion = await dataUri(run.confusionPng);
        if (!curves && !confusion) continue;
        H.push(`<h3>${esc(r.recipe)} — seed ${run.seed} (${esc(run.relDir)}): ${run.value === null ? 'no number' : esc(`${r.metric} ${pct(run.value)}`)}</h3>`);
        if (curves) H.push(`<figure><img alt="training curves of ${esc(run.relDir)}" src="${curves}"><figcaption>training curves (train/curves.png)</figcaption></figure>`);
        if (confusion) H.push(`<figure><img alt="confusion matrix of ${esc(run.relDir)}" src="${confusion}"><figcaption>test-split confusion matrix (train/confusion.png)</figcaption></figure>`);
      }
    }
  }

  const notRun = data.rows.filter((r) => r.runs.length === 0);
  if (notRun.length) {
    H.push('<h2>Not run yet</h2>', '<ul>');
    for (const r of notRun) H.push(`<li>${esc(r.study ?? 'own')} — ${esc(r.experiment)} (${esc(r.recipe)}): <code>${esc(runCommand(r.recipe))}</code>${r.why ? `. Why not yet: ${inline(r.why)}` : ''}</li>`);
    H.push('</ul>');
  }
  H.push('</body></html>', '');
  return H.join('\n');
}
