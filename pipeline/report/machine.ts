/** A one-line description of the machine the report is generated on (no time-dependent parts). */
import { arch, cpus, release, totalmem, type } from 'node:os';

export function machineLine(): string {
  const c = cpus();
  const model = c[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${type()} ${release()} ${arch()}, ${c.length} × ${model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`;
}
