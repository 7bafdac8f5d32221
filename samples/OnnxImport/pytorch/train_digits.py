#!/usr/bin/python3
"""Trains a small digits classifier in PyTorch and exports it to ONNX, for the OnnxImport sample.

Run from anywhere with Debian's interpreter (python3-torch 1.13, python3-onnx 1.12, python3-numpy):

    /usr/bin/python3 samples/OnnxImport/pytorch/train_digits.py

Writes digits_mlp.onnx and digits_mlp.json beside this script. The data is the repository's committed
data/digits.csv.gz (64 pixels 0..16, then the label, per line); pixels are divided by 16. The split is
by position, so the C# sample reproduces it without a shared random generator:

    rows    0 ..  399  PyTorch trains on these (a deliberately small set: the model is good, not best)
    rows  400 .. 1399  the sample fine-tunes the imported model on these
    rows 1400 .. 1796  test rows: PyTorch's accuracy on them, and its probabilities for the first 16

Seeded and single-threaded, so a re-run writes the same weights.
"""

import gzip
import io
import json
import os

import numpy as np
import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
PYTORCH_TRAIN, FINE_TUNE_END, SHOWN = 400, 1400, 16


def load_digits():
    with gzip.open(os.path.join(ROOT, "data", "digits.csv.gz"), "rt") as f:
        rows = np.array([[int(v) for v in line.split(",")] for line in f if line.strip()])
    return torch.tensor(rows[:, :64] / 16.0, dtype=torch.float32), torch.tensor(rows[:, 64], dtype=torch.int64)


def main():
    torch.manual_seed(20261201)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    x, labels = load_digits()
    train_x, train_y = x[:PYTORCH_TRAIN], labels[:PYTORCH_TRAIN]
    test_x, test_y = x[FINE_TUNE_END:], labels[FINE_TUNE_END:]

    body = nn.Sequential(nn.Linear(64, 48), nn.BatchNorm1d(48), nn.ReLU(), nn.Dropout(0.2), nn.Linear(48, 10))
    optimizer = torch.optim.Adam(body.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(7)
    for epoch in range(15):
        body.train()
        order = torch.randperm(PYTORCH_TRAIN, generator=gen)
        for start in range(0, PYTORCH_TRAIN, 32):
            batch = order[start:start + 32]
            optimizer.zero_grad()
            loss_fn(body(train_x[batch]), train_y[batch]).backward()
            optimizer.step()

    model = nn.Sequential(body, nn.Softmax(dim=1)).eval()
    with torch.no_grad():
        probabilities = model(test_x)
    accuracy = float((probabilities.argmax(dim=1) == test_y).float().mean())

    buffer = io.BytesIO()
    torch.onnx.export(model, (test_x[:SHOWN],), buffer, input_names=["input"], output_names=["output"],
                      opset_version=13, dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    proto = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(proto)
    with open(os.path.join(HERE, "digits_mlp.onnx"), "wb") as f:
        f.write(buffer.getvalue())

    meta = {
        "file": "digits_mlp.onnx",
        "producer": f"PyTorch {torch.__version__} (torch.onnx.export, opset 13)",
        "holds": "Linear(64,48) -> BatchNorm1d(48) -> ReLU -> Dropout(0.2) -> Linear(48,10) -> Softmax(dim=1), "
                 "trained with Adam(1e-2) for 15 epochs of batch 32 on digits rows 0..399 (pixels / 16)",
        "pytorch_train_rows": [0, PYTORCH_TRAIN],
        "fine_tune_rows": [PYTORCH_TRAIN, FINE_TUNE_END],
        "test_rows": [FINE_TUNE_END, int(x.shape[0])],
        "pixel_scale": 16,
        "pytorch_test_accuracy": accuracy,
        "shown_rows": SHOWN,
        "shown_probabilities": [[float(v) for v in row] for row in probabilities[:SHOWN].double().tolist()],
        "nodes": [n.op_type for n in proto.graph.node],
    }
    with open(os.path.join(HERE, "digits_mlp.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print(f"test accuracy {accuracy:.4f} on {test_x.shape[0]} rows; nodes {' '.join(meta['nodes'])}")


if __name__ == "__main__":
    main()
