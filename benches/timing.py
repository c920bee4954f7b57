"""What the Python benchmark scripts beside the crate's criterion benches
share: a median timer, criterion's stored medians, and an onnxruntime
session on one thread."""

import json
import os
import statistics
import time


def median_ms(fn, min_runs=30, min_seconds=1.0):
    """Median wall time of `fn` in ms, after a warm-up."""
    for _ in range(5):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < min_seconds:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def criterion_median(root, group, bench):
    """The median criterion stored for `group/bench` under `root`, in ms."""
    path = os.path.join(root, group, bench, "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"] / 1e6
    except OSError:
        return None


def ort_session(model):
    """An onnxruntime CPU session of `model` on one thread."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
