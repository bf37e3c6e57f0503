/**
 * Vite build of the web demo into web-demo/dist (served by `onnxline serve` at /). The
 * onnxruntime-web runtime files (.mjs glue + .wasm) are copied from the npm package into
 * dist/ort/, so the demo works offline; the app points `ort.env.wasm.wasmPaths` there.
 */
import { copyFileSync, createReadStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const ortDist = resolve(here, '../node_modules/onnxruntime-web/dist');
/** The runtime files the wasm build (and the webgpu build, for browsers with WebGPU) load at run time. */
export const ORT_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

/** Copies the onnxruntime-web runtime files into <outDir>/ort/ on build, and serves them at /ort/ in dev. */
function ortRuntimeFiles(): Plugin {
  let outDir = '';
  return {
    name: 'onnxline-ort-runtime-files',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = /^\/ort\/([\w.-]+)$/.exec(req.url?.split('?')[0] ?? '')?.[1];
        if (!name || !ORT_FILES.includes(name)) return next();
        res.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        createReadStream(join(ortDist, name)).pipe(res);
      });
    },
    closeBundle() {
      const target = join(outDir, 'ort');
      mkdirSync(target, { recursive: true });
      for (const name of ORT_FILES) {
        const src = join(ortDist, name);
        if (!existsSync(src)) throw new Error(`onnxruntime-web file ${src} is missing; run npm ci`);
        copyFileSync(src, join(target, name));
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  // The non-bundled ort builds: they import the .mjs glue from wasmPaths instead of inlining it.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024, reportCompressedSize: false },
  // `npx vite --config web-demo/vite.config.ts`: the API and models come from a running `onnxline serve`.
  server: {
    fs: { allow: [resolve(here, '..')] },
    proxy: Object.fromEntries(['/v1', '/v2', '/models'].map((path) => [path, process.env.ONNXLINE_SERVER ?? 'http://127.0.0.1:8080'])),
  },
  plugins: [ortRuntimeFiles()],
});
