#!/usr/bin/python3
"""bench_torch.py: AtomLens's inference engine against PyTorch (CPU) on the
same network (the reference U-Net of reference_unet.py, whose ONNX export
is tests/data/0001-unet-golden/unet.onnx), same input size, same threads,
in one run. Each measurement runs in its own process so its peak memory is
its own; PyTorch and AtomLens alternate, `--rounds` times, and the best
time of each counts (the machine may be shared: say so with the figures).

  /usr/bin/python3 models/train/bench_torch.py --cli build/src/cli/atomlens-cli \\
      --sizes 512,1024,2048 --threads 1,2 --rounds 2
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def torch_once(size, threads, repeat, frozen):
    """Runs in a child process: prints 'torch ms_per_mp=… rss_mb=…'."""
    import torch
    sys.path.insert(0, HERE)
    import reference_unet

    torch.set_num_threads(threads)
    model = reference_unet.make_unet()
    x = torch.rand(1, 1, size, size, generator=torch.Generator().manual_seed(1234))
    with torch.no_grad():
        if frozen:   # TorchScript freezing folds BatchNorm into the convolutions
            model = torch.jit.freeze(torch.jit.trace(model, x[:, :, :64, :64]))
        best, best_cpu = float("inf"), float("inf")
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            model(x)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mp = size * size / 1e6
    print("torch ms_per_mp=%.2f rss_mb=%.0f cpu_ms_per_mp=%.2f" % (best * 1e3 / mp, rss, best_cpu * 1e3 / mp))


def run_torch(size, threads, repeat, frozen):
    cmd = [sys.executable, "-W", "ignore", __file__, "--torch-child", str(size), str(threads),
           str(repeat)] + (["--frozen"] if frozen else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    m = re.search(r"torch ms_per_mp=([\d.]+) rss_mb=([\d.]+) cpu_ms_per_mp=([\d.]+)", out)
    return float(m.group(1)), float(m.group(2)), float(m.group(3))


def run_ours(cli, model, size, threads, repeat):
    cmd = [cli, "bench", "nn", "--model", model, "--size", str(size), "--threads", str(threads),
           "--repeat", str(repeat)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    m = re.search(r"ms_per_mp=([\d.]+) gflops=([\d.]+) sgemm_peak=([\d.]+) rss_mb=([\d.]+) "
                  r"cpu_ms_per_mp=([\d.]+)", out)
    return tuple(float(g) for g in m.groups())


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--torch-child":
        torch_once(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), "--frozen" in sys.argv)
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "src", "cli", "atomlens-cli"))
    ap.add_argument("--model", default=os.path.join(ROOT, "tests", "data", "0001-unet-golden", "unet.onnx"))
    ap.add_argument("--sizes", default="512,1024,2048")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeat", type=int, default=2, help="runs per process; best counts")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds; best counts")
    ap.add_argument("--frozen", action="store_true", help="PyTorch with TorchScript freezing")
    args = ap.parse_args()

    print("load average before: %.2f %.2f %.2f" % os.getloadavg())
    print("%6s %3s %11s %11s %6s %8s %8s %8s %8s %10s %10s %6s" % (
        "size", "thr", "ours ms/MP", "torch ms/MP", "ratio", "GFLOP/s", "of SGEMM", "ours MB",
        "torch MB", "ours CPU", "torch CPU", "ratio"))
    for threads in [int(t) for t in args.threads.split(",")]:
        for size in [int(s) for s in args.sizes.split(",")]:
            ours, torch_t = None, None
            for _ in range(args.rounds):
                o = run_ours(args.cli, args.model, size, threads, args.repeat)
                t = run_torch(size, threads, args.repeat, args.frozen)
                ours = o if ours is None or o[0] < ours[0] else ours
                torch_t = t if torch_t is None or t[0] < torch_t[0] else torch_t
            ms, gflops, peak, rss, cpu = ours
            print("%6d %3d %11.1f %11.1f %5.2fx %8.1f %7.0f%% %8.0f %8.0f %10.1f %10.1f %5.2fx" % (
                size, threads, ms, torch_t[0], torch_t[0] / ms, gflops,
                100 * gflops / peak if peak else 0, rss, torch_t[1], cpu, torch_t[2],
                torch_t[2] / cpu), flush=True)
    print("load average after: %.2f %.2f %.2f" % os.getloadavg())
    print("ratio = PyTorch time / AtomLens time (above 1: AtomLens is faster); CPU: "
          "ms of CPU (all threads) per megapixel, robust to a shared machine")


if __name__ == "__main__":
    main()
