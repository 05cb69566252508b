#!/usr/bin/python3
"""Train and export the small real models used as ONNX fixtures.

Run with Debian's Python (python3-torch, python3-onnx, python3-sklearn):
    /usr/bin/python3 tools/train_models.py [--out tests/fixtures/onnx]

Models (fixed seeds, deterministic):
  bc_logreg    scikit-learn LogisticRegression on breast cancer (30 features),
               exported by hand with onnx.helper as Sub, Mul (standardization),
               Gemm, Sigmoid                              -> P(benign), 1 output
  bc_mlp       PyTorch 2-layer MLP 30-16-2 on breast cancer (standardization
               inside the graph: Sub, Mul; Gemm, Relu, Gemm)  -> 2 logits
  digits_mlp   PyTorch MLP 64-32-10 on 8x8 digits (pixels / 16 via Mul)
  digits_cnn   PyTorch CNN on 8x8 digits: Conv 1->8 3x3 pad 1, BatchNorm, Relu,
               MaxPool 2, Conv 8->16 3x3 pad 1, Relu, AveragePool 2, Flatten,
               Gemm 64->10 (input [N, 1, 8, 8], 64 values per example)

For each model NAME the script writes (do not edit by hand):
  NAME.onnx            the model (opset 13, dynamic batch dimension)
  NAME.calib.json      {"input_data": [[...]]} calibration inputs (training rows)
  NAME.test.json       {"input_data": [[...]]} held-out test inputs
  NAME.expected.json   {"output_data": [[...]], "labels": [...], "float_accuracy": a}
                       the float model's outputs on the test inputs (PyTorch /
                       scikit-learn, float32) and the true labels
"""
import argparse
import json
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_csv(path, label):
    with open(path) as f:
        header = f.readline().strip().split(",")
        rows = [list(map(float, line.split(","))) for line in f if line.strip()]
    a = np.array(rows, dtype=np.float64)
    j = header.index(label)
    y = a[:, j].astype(np.int64)
    x = np.delete(a, j, axis=1).astype(np.float32)
    return x, y


def split(n, seed, test_frac=0.2):
    rng = np.random.RandomState(seed)
    p = rng.permutation(n)
    k = int(round(n * test_frac))
    return p[k:], p[:k]


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


def rows(x):
    return [[float(np.float32(v)) for v in r] for r in x]


def write_set(out, name, xtr, xte, yte, pred, acc, n_calib=64):
    dump(os.path.join(out, name + ".calib.json"), {"input_data": rows(xtr[:n_calib])})
    dump(os.path.join(out, name + ".test.json"), {"input_data": rows(xte)})
    dump(os.path.join(out, name + ".expected.json"),
         {"output_data": [[float(v) for v in r] for r in pred], "labels": [int(v) for v in yte],
          "float_accuracy": acc})
    print(f"{name}: float test accuracy {acc:.4f} on {len(yte)} examples")


def export_torch(model, example, path):
    model.eval()
    torch.onnx.export(model, example, path, opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))


class Standardize(torch.nn.Module):
    def __init__(self, mean, inv_std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("inv_std", torch.tensor(inv_std, dtype=torch.float32))

    def forward(self, x):
        return (x - self.mean) * self.inv_std


def train_torch(model, xtr, ytr, epochs, lr, seed, batch=32):
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    lossf = torch.nn.CrossEntropyLoss()
    X = torch.tensor(xtr)
    Y = torch.tensor(ytr)
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(X), generator=g)
        for i in range(0, len(X), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = lossf(model(X[idx]), Y[idx])
            loss.backward()
            opt.step()
    model.eval()
    return model


def bc_models(out):
    x, y = load_csv(os.path.join(ROOT, "data", "breast_cancer_wisconsin.csv"), "benign")
    tr, te = split(len(x), 7)
    mean = x[tr].mean(axis=0)
    inv_std = (1.0 / x[tr].std(axis=0)).astype(np.float32)

    # scikit-learn logistic regression, exported by hand (core ONNX ops only)
    z = (x - mean) * inv_std
    clf = LogisticRegression(C=1.0, max_iter=2000, random_state=0).fit(z[tr], y[tr])
    W = clf.coef_.astype(np.float32)            # [1, 30]
    b = clf.intercept_.astype(np.float32)       # [1]
    nodes = [
        helper.make_node("Sub", ["input", "mean"], ["centered"], name="center"),
        helper.make_node("Mul", ["centered", "inv_std"], ["z"], name="scale"),
        helper.make_node("Gemm", ["z", "W", "b"], ["logit"], name="linear", transB=1),
        helper.make_node("Sigmoid", ["logit"], ["output"], name="sigmoid"),
    ]
    inits = [numpy_helper.from_array(mean.astype(np.float32), "mean"),
             numpy_helper.from_array(inv_std, "inv_std"),
             numpy_helper.from_array(W, "W"), numpy_helper.from_array(b, "b")]
    g = helper.make_graph(nodes, "bc_logreg",
                          [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 30])],
                          [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 1])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="zkmlops train_models.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out, "bc_logreg.onnx"))
    zt = ((x[te] - mean) * inv_std).astype(np.float32)
    p = 1.0 / (1.0 + np.exp(-(zt @ W.T + b)))
    acc = float(((p[:, 0] > 0.5).astype(int) == y[te]).mean())
    write_set(out, "bc_logreg", x[tr], x[te], y[te], p, acc)

    # PyTorch 2-layer MLP
    torch.manual_seed(1)
    mlp = torch.nn.Sequential(Standardize(mean, inv_std), torch.nn.Linear(30, 16), torch.nn.ReLU(),
                              torch.nn.Linear(16, 2))
    train_torch(mlp, x[tr], y[tr], epochs=60, lr=1e-2, seed=1)
    with torch.no_grad():
        pred = mlp(torch.tensor(x[te])).numpy()
    acc = float((pred.argmax(1) == y[te]).mean())
    export_torch(mlp, torch.tensor(x[:1]), os.path.join(out, "bc_mlp.onnx"))
    write_set(out, "bc_mlp", x[tr], x[te], y[te], pred, acc)


class Scale(torch.nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k

    def forward(self, x):
        return x * self.k


def digits_models(out):
    path = os.path.join(ROOT, "data", "digits_8x8.csv")
    x, y = load_csv(path, "digit")
    tr, te = split(len(x), 11)

    torch.manual_seed(2)
    mlp = torch.nn.Sequential(Scale(1.0 / 16.0), torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    train_torch(mlp, x[tr], y[tr], epochs=40, lr=5e-3, seed=2)
    with torch.no_grad():
        pred = mlp(torch.tensor(x[te])).numpy()
    acc = float((pred.argmax(1) == y[te]).mean())
    export_torch(mlp, torch.tensor(x[:1]), os.path.join(out, "digits_mlp.onnx"))
    write_set(out, "digits_mlp", x[tr], x[te], y[te], pred, acc)

    torch.manual_seed(3)
    cnn = torch.nn.Sequential(
        Scale(1.0 / 16.0),
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.AvgPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(64, 10))
    x4 = x.reshape(-1, 1, 8, 8)
    train_torch(cnn, x4[tr], y[tr], epochs=30, lr=5e-3, seed=3)
    with torch.no_grad():
        pred = cnn(torch.tensor(x4[te])).numpy()
    acc = float((pred.argmax(1) == y[te]).mean())
    export_torch(cnn, torch.tensor(x4[:1]), os.path.join(out, "digits_cnn.onnx"))
    write_set(out, "digits_cnn", x[tr], x[te], y[te], pred, acc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "fixtures", "onnx"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    bc_models(a.out)
    digits_models(a.out)


if __name__ == "__main__":
    main()
