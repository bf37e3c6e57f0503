// The onnxruntime worker thread: owns one InferenceSession so that its synchronous run() never
// blocks the server's event loop. Plain JavaScript (no loader needed inside a worker).
// Messages in: {op:'init', bytes, options} | {op:'run', id, feeds:[{name,type,dims,data}]} | {op:'release'}.
// Messages out: {op:'ready', inputs, outputs} | {op:'result', id, outputs} | {op:'error', id?, message}.
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

let session;

function transferable(data) {
  return ArrayBuffer.isView(data) && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? [data.buffer] : [];
}

parentPort.on('message', async (msg) => {
  try {
    if (msg.op === 'init') {
      session = await ort.InferenceSession.create(msg.bytes, msg.options);
      parentPort.postMessage({ op: 'ready', inputs: session.inputMetadata, outputs: session.outputMetadata });
    } else if (msg.op === 'run') {
      const feeds = {};
      for (const f of msg.feeds) feeds[f.name] = new ort.Tensor(f.type, f.data, f.dims);
      const results = await session.run(feeds);
      const outputs = [];
      const transfer = [];
      for (const name of session.outputNames) {
        const t = results[name];
        outputs.push({ name, type: t.type, dims: [...t.dims], data: t.data });
        transfer.push(...transferable(t.data));
      }
      parentPort.postMessage({ op: 'result', id: msg.id, outputs }, transfer);
    } else if (msg.op === 'release') {
      await session?.release();
      session = undefined;
      parentPort.close();
    }
  } catch (err) {
    parentPort.postMessage({ op: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) });
  }
});
