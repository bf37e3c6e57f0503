'use strict';
/*
 * pthread worker for tfjs-backend-wasm's threaded SIMD build under Node (see init-wasm.ts).
 * tfjs hands emscripten blob: URLs for the worker script and for the module factory, which Node's
 * worker_threads cannot load; this file runs the same worker script (shipped inside the package)
 * and resolves the factory "blob" to the package's own copy of the same factory file.
 */
const path = require('node:path');
const pkgDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const factoryFile = path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
const { wasmWorkerContents } = require(path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'));
globalThis.require = require;
globalThis.__filename = __filename;
URL.createObjectURL = () => factoryFile;
URL.revokeObjectURL = () => {};
// tfjs escapes newlines the same way before turning this text into a Blob.
(0, eval)(wasmWorkerContents.replace(/\n/g, '\\n'));
