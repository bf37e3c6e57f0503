/**
 * Prometheus metrics for the server (prom-client, one registry per server so that several servers
 * in one process don't share counters): requests by model, version, outcome and reason; inference
 * and execution counts; queue, compute and total latency; pending requests; loaded models (with
 * their execution provider) and the WebGPU adapter.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'onnxline_requests_total', help: 'Inference requests by model, version, outcome (success|failure) and reason', labelNames: ['model', 'version', 'outcome', 'reason'], registers: [this.registry] });
  readonly inferences = new Counter({ name: 'onnxline_inference_count_total', help: 'Inferences performed (a batched request counts its rows)', labelNames: ['model', 'version'], registers: [this.registry] });
  readonly executions = new Counter({ name: 'onnxline_execution_count_total', help: 'Model executions (a dynamic batch counts once)', labelNames: ['model', 'version'], registers: [this.registry] });
  readonly queueSeconds = new Histogram({ name: 'onnxline_queue_duration_seconds', help: 'Time a request waited in the batching queue', labelNames: ['model', 'version'], buckets: BUCKETS, registers: [this.registry] });
  readonly computeSeconds = new Histogram({ name: 'onnxline_compute_duration_seconds', help: 'Time of the execution a request ran in', labelNames: ['model', 'version'], buckets: BUCKETS, registers: [this.registry] });
  readonly requestSeconds = new Histogram({ name: 'onnxline_request_duration_seconds', help: 'Total time of an inference request, decoding to encoding', labelNames: ['model', 'version'], buckets: BUCKETS, registers: [this.registry] });
  readonly pending = new Gauge({ name: 'onnxline_pending_requests', help: 'Requests queued or executing', labelNames: ['model'], registers: [this.registry] });
  readonly loaded = new Gauge({ name: 'onnxline_model_loaded', help: '1 for each loaded model version, labelled with its execution provider', labelNames: ['model', 'version', 'execution_provider'], registers: [this.registry] });
  readonly webgpuAdapter = new Gauge({ name: 'onnxline_webgpu_adapter', help: '1 for the WebGPU adapter the webgpu execution provider runs on (when Dawn could describe it); software="true" for a CPU implementation', labelNames: ['description', 'vendor', 'architecture', 'software'], registers: [this.registry] });
  readonly loadFailures = new Counter({ name: 'onnxline_model_load_failures_total', help: 'Model versions that failed to load', labelNames: ['model', 'version'], registers: [this.registry] });

  constructor(defaultMetrics = false) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Records a request's outcome. */
  request(model: string, version: string, ok: boolean, reason: string, seconds: number): void {
    this.requests.inc({ model, version, outcome: ok ? 'success' : 'failure', reason });
    if (ok) this.requestSeconds.observe({ model, version }, seconds);
  }
}
