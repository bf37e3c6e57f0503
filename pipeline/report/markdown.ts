/** Renders the collected report as REPORT.md. Deterministic: the same data gives the same bytes. */
import type { ReportData } from './collect.ts';
import { runCommand, type ReportRow } from './rows.ts';
import { sections } from './studies.ts';
import { pct, pctStd, points } from './format.ts';

export const COLUMNS = ['experiment', 'metric', 'study', 'ours', 'Δ (ours − study)', 'data used (and how it differs)', 'parameters', 'training', 'backend', 'ONNX parity'] as const;

/** The `onnxline report` command line that regenerates a report from `data`. */
export function reportCommand(data: ReportData): string {
  return `onnxline report${data.runsRoot === 'runs' ? '' : ` --runs ${data.runsRoot}`}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

export function rowCells(r: ReportRow): string[] {
  const c = r.cells;
  return [c.experiment, c.metric, c.study, c.ours, c.diff, c.data, c.params, c.training, c.backend, c.parity];
}

/** "short by X points" / caveat lines for a section's rows. */
export function rowNotes(r: ReportRow): string[] {
  const out: string[] = [];
  if (r.shortBy !== null && r.ours && r.studyValue !== null) {
    out.push(
      `**${r.recipe}**: short of the study's ${pctStd(r.studyValue, r.studyStd)} by ${(r.shortBy * 100).toFixed(2)} points ` +
        `(ours ${pctStd(r.ours.mean, r.ours.std)}, N=${r.ours.n}). Why: ${r.why ?? 'not explained yet (add an entry for this recipe to models/report-notes.ts)'}`,
    );
  }
  for (const c of r.caveats) out.push(`**${r.recipe}**: ${c}.`);
  return out;
}

/**
 * Per-class test accuracy of every run row of a section (mean over its runs), classes as columns —
 * S4 compares its imbalance remedies class by class. Empty when no row has per-class numbers.
 */
export function perClassTable(rows: readonly ReportRow[]): string[] {
  const withRuns = rows.filter((r) => r.runs.some((f) => f.perClassAccuracy));
  if (!withRuns.length) return [];
  const classes = Object.keys(withRuns[0]!.runs.find((f) => f.perClassAccuracy)!.perClassAccuracy!);
  const L = ['Test accuracy per class (mean over the runs above):', '', `| recipe | ${classes.join(' | ')} |`, `|---|${classes.map(() => '---').join('|')}|`];
  for (const r of withRuns) {
    const runs = r.runs.filter((f) => f.perClassAccuracy);
    const means = classes.map((c) => runs.reduce((a, f) => a + (f.perClassAccuracy![c] ?? Number.NaN), 0) / runs.length);
    L.push(`| ${r.recipe} | ${means.map((v) => (Number.isFinite(v) ? pct(v) : '—')).join(' | ')} |`);
  }
  L.push('');
  return L;
}

export function renderMarkdown(data: ReportData): string {
  const L: string[] = [];
  L.push('# onnxline: results against the studies', '');
  L.push(`Written by \`${reportCommand(data)}\`, which regenerates this file from the runs under \`${data.runsRoot}/\`.`, '');
  if (data.invocations.length) {
    L.push('The runs reported here were made by:', '', '```sh');
    for (const inv of data.invocations) L.push(inv.reconstructed ? `${inv.command}    # rebuilt from the run's config (made before manifests recorded commands)` : inv.command);
    L.push(reportCommand(data), '```', '');
  } else {
    L.push('No runs yet: every recipe is listed under "Not run yet" with the command that runs it.', '');
  }
  L.push(`- Newest run: ${data.newestRun ?? '—'}`);
  L.push(`- Machine: ${data.machine}`);
  L.push(`- Training backends: ${data.backends.join(', ') || '—'}`, '');
  L.push(
    'Numbers are percentages. "Ours" is the mean ± sample standard deviation over N runs (one per seed: the newest run made from the ' +
      'recipe as it is now); Δ is ours minus the study\'s number, in percentage points. Our number is the same kind as the study\'s: ' +
      'test accuracy on our held-out test split, or validation accuracy at the epoch whose weights were kept.',
    '',
  );

  for (const s of sections(data.rows)) {
    L.push(`## ${s.title}`, '');
    L.push(`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`);
    for (const r of s.rows) L.push(`| ${rowCells(r).map(cell).join(' | ')} |`);
    L.push('');
    const notes = s.rows.flatMap(rowNotes);
    if (notes.length) L.push(...notes.map((n) => `- ${cell(n)}`), '');
    if (s.rows[0]?.study === 'S4') L.push(...perClassTable(s.rows));
  }

  const notRun = data.rows.filter((r) => r.runs.length === 0);
  if (notRun.length) {
    L.push('## Not run yet', '');
    for (const r of notRun) L.push(`- ${r.study ?? 'own'} — ${cell(r.experiment)} (\`${r.recipe}\`): \`${runCommand(r.recipe)}\`${r.studyStd !== null ? ' (the study reports mean ± std over runs: repeat with --seed 1 … --seed 10)' : ''}${r.why ? `. Why not yet: ${cell(r.why)}` : ''}`);
    L.push('');
  }

  const reported = data.rows.filter((r) => r.runs.length);
  if (reported.length) {
    L.push('## Runs reported', '');
    for (const r of reported) {
      const runs = r.runs.map((f) => `\`${f.relDir}\` (seed ${f.seed}${f.value === null ? '' : `, ${pct(f.value)}`})`);
      L.push(`- ${r.recipe}: ${runs.join(', ')}`);
    }
    L.push('');
  }

  L.push('## Summary', '');
  for (const r of data.rows) L.push(`- ${summaryLine(r)}`);
  L.push('');
  return L.join('\n');
}

/** One line per row, as the CLI prints it. */
export function summaryLine(r: ReportRow): string {
  const head = `${r.study ?? 'own'} ${r.recipe}`;
  if (!r.runs.length) return `${head}: not run yet`;
  const ours = r.ours ? `${pctStd(r.ours.mean, r.ours.std)} (N=${r.ours.n})` : 'no number';
  if (r.studyValue === null) return `${head}: ${r.metric} ${ours}; ONNX ${r.cells.parity}`;
  const verdict = r.shortBy !== null ? `short by ${(r.shortBy * 100).toFixed(2)} points` : r.diff !== null ? `${points(r.diff)}` : '';
  return `${head}: ${r.metric} ${ours} vs study ${pct(r.studyValue)}${verdict ? `, ${verdict}` : ''}; ONNX ${r.cells.parity}`;
}
