'use strict';
// pthread worker for tfjs-backend-wasm's threaded SIMD build under Node
const path = require('node:path');
const pkgDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const factoryFile = path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
const { wasmWorkerContents } = require(path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'));
globalThis.require = require;
globalThis.__filename = __filename;
URL.createObjectURL = () => factoryFile;
URL.revokeObjectURL = () => {};
(0, eval)(wasmWorkerContents.replace(/\n/g, '\\n'));
