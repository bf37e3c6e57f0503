/**
 * Child process for the selection tests: runs the real training backend selection or serving
 * provider selection and prints one JSON line (prefixed "RESULT ") with what it chose, the lines
 * it logged and the error it threw, if any.
 *   node --import tsx test/gpu/select-child.ts backend|device <choice>
 */
import { selectBackend, type BackendChoice } from '../../pipeline/train/backend.ts';
import { resolveProviders, type DeviceChoice } from '../../serve/sessions/device.ts';

const [what, choice] = process.argv.slice(2);
const logs: string[] = [];
const log = (line: string) => logs.push(line);
try {
  if (what === 'backend') {
    const b = await selectBackend(choice as BackendChoice, log);
    console.log(`RESULT ${JSON.stringify({ name: b.name, detail: b.detail, skipped: b.skipped, adapter: b.adapter ?? null, logs })}`);
  } else if (what === 'device') {
    const plan = await resolveProviders(choice as DeviceChoice, log);
    console.log(`RESULT ${JSON.stringify({ providers: plan.providers, adapter: plan.adapter ?? null, logs })}`);
  } else {
    throw new Error(`usage: select-child.ts backend|device <choice> (got "${what}")`);
  }
} catch (err) {
  console.log(`RESULT ${JSON.stringify({ error: (err as Error).message, logs })}`);
}
process.exit(0);
