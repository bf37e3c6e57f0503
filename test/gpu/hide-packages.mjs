// Test-only loader (node --import ./test/gpu/hide-packages.mjs): makes the packages named in
// ONNXLINE_TEST_HIDE (comma-separated) unresolvable, exactly as when npm did not install them, so
// that the real selection code can be run "without" an optional dependency. Not a mock: nothing
// is replaced, the import simply fails with ERR_MODULE_NOT_FOUND.
import { register } from 'node:module';

register('./hide-packages-hooks.mjs', import.meta.url, { data: { hidden: (process.env.ONNXLINE_TEST_HIDE ?? '').split(',').map((s) => s.trim()).filter(Boolean) } });
