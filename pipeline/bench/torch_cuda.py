#!/usr/bin/env python3
"""PyTorch on CUDA for `npm run bench:gpu`: the same three architectures, data and Adam steps as
../shared/bench/torch_reference.py (imported from there, so the models cannot drift), timed on a
CUDA device instead of the CPU. Prints one JSON line per model:
{"model", "batch", "params", "train_samples_per_s", "infer_samples_per_s", "device", "torch"},
or a single {"unavailable": "..."} line (exit 0) when torch or CUDA is missing.

Usage: torch_cuda.py [--batch 128] [--samples 4096] [--models a,b,c] [--reference PATH]
"""
import argparse, json, os, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_REFERENCE = os.path.join(HERE, "..", "..", "..", "shared", "bench", "torch_reference.py")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--samples", type=int, default=4096)
    ap.add_argument("--models", default="bench-cnn,fonts-cnn,digits-lstm")
    ap.add_argument("--reference", default=os.environ.get("ONNXLINE_TORCH_REFERENCE", DEFAULT_REFERENCE))
    a = ap.parse_args()
    try:
        import torch
        import torch.nn as nn
    except ImportError as e:
        print(json.dumps({"unavailable": f"python3 has no torch ({e})"}), flush=True)
        return
    if not torch.cuda.is_available():
        print(json.dumps({"unavailable": f"torch {torch.__version__} sees no CUDA device"}), flush=True)
        return
    if not os.path.exists(a.reference):
        print(json.dumps({"unavailable": f"{a.reference} not found (set ONNXLINE_TORCH_REFERENCE)"}), flush=True)
        return
    sys.path.insert(0, os.path.dirname(os.path.abspath(a.reference)))
    from torch_reference import MODELS  # the architectures, shared with the CPU reference

    dev = torch.device("cuda")
    for name in a.models.split(","):
        make, shape, classes = MODELS[name]
        torch.manual_seed(0)
        model = make().to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        x = torch.randn(a.samples, *shape, device=dev)
        y = torch.randint(0, classes, (a.samples,), device=dev)

        def epoch():
            model.train()
            for i in range(0, a.samples, a.batch):
                opt.zero_grad()
                loss_fn(model(x[i:i + a.batch]), y[i:i + a.batch]).backward()
                opt.step()
            torch.cuda.synchronize()

        epoch()  # warm-up (cuDNN autotuning, allocator)
        t = time.perf_counter(); epoch(); train = a.samples / (time.perf_counter() - t)
        model.eval()
        with torch.no_grad():
            model(x[:a.batch]); torch.cuda.synchronize()
            t = time.perf_counter()
            for i in range(0, a.samples, a.batch):
                model(x[i:i + a.batch])
            torch.cuda.synchronize()
            infer = a.samples / (time.perf_counter() - t)
        print(json.dumps({"model": name, "batch": a.batch, "params": sum(p.numel() for p in model.parameters()),
                          "train_samples_per_s": round(train, 1), "infer_samples_per_s": round(infer, 1),
                          "device": torch.cuda.get_device_name(0), "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
