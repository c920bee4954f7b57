"""The golden case file, shared by `gen_golden.py` (PyTorch) and `gen_onnx.py`
(ONNX): one `.safetensors` file per case, whose format `gen_golden.py`'s
docstring describes and `tests/golden.rs` reads."""

import json
import struct

import numpy as np


def write_safetensors(path, tensors, metadata):
    """A minimal, deterministic safetensors writer (sorted tensor order)."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        if a.dtype == np.float32:
            dtype = "F32"
        elif a.dtype == np.int64:
            dtype = "I64"
        else:
            raise TypeError(f"{name}: unexpected dtype {a.dtype}")
        data = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {
            "dtype": dtype,
            "shape": list(a.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for data in blobs:
            f.write(data)


def check_file(path, tensors, metadata):
    """Reads a written case back with the safetensors library."""
    from safetensors import safe_open

    with safe_open(path, framework="np") as f:
        assert f.metadata() == metadata, path
        assert sorted(f.keys()) == sorted(tensors), path
        for name, want in tensors.items():
            got = f.get_tensor(name)
            assert got.dtype == want.dtype and got.shape == want.shape, (path, name)
            assert np.array_equal(got, want, equal_nan=True), (path, name)
