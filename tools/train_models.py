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

  ops_a, ops_b hand-built graphs covering the other operators (BatchNormalization
               folded and unfolded, grouped/dilated/strided Conv, ceil-mode MaxPool,
               Pad, AveragePool, Transpose, Reshape, MatMul, Tanh, Concat, Sub,
               Gemm with alpha/beta, LeakyRelu, Softmax, ...); reference outputs
               from PyTorch's functional ops (NAME.test.json, NAME.expected.json)
  view_cnn     PyTorch export of x.view(x.size(0), -1) without constant folding (Shape,
               Gather, Unsqueeze, Squeeze, Concat, Reshape)
  bad/*.onnx   hostile or unsupported models that must be refused with a clear error

For each trained model NAME the script writes (do not edit by hand):
  NAME.onnx            the model (opset 13, dynamic batch dimension)
  NAME.calib.json      {"input_data": [[...]]} calibration inputs (training rows)
  NAME.test.json       {"input_data": [[...]]} held-out test inputs
  NAME.sample.json     the first 16 test inputs (digits_cnn: 4), a small batch for CLI tests
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


def write_set(out, name, xtr, xte, yte, pred, acc, n_calib=64, n_sample=16):
    dump(os.path.join(out, name + ".calib.json"), {"input_data": rows(xtr[:n_calib])})
    dump(os.path.join(out, name + ".test.json"), {"input_data": rows(xte)})
    dump(os.path.join(out, name + ".sample.json"), {"input_data": rows(xte[:n_sample])})
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
    write_set(out, "digits_cnn", x[tr], x[te], y[te], pred, acc, n_sample=4)


def op_models(out):
    """Hand-built graphs covering the other supported operators, with reference
    outputs computed by PyTorch's functional ops (an independent implementation)."""
    import torch.nn.functional as F
    rng = np.random.RandomState(5)

    def f32(*shape, scale=1.0):
        return (rng.randn(*shape) * scale).astype(np.float32)

    # ops_a: BN (unfolded, on the input), Conv, BN (folded), LeakyRelu, MaxPool, Pad,
    # AveragePool, Transpose, Reshape, MatMul, Tanh, Sigmoid, Concat, Sub, Gemm
    # (alpha, beta), Softmax (final).
    C, H = 3, 6
    bn1 = [np.abs(f32(C)) + 0.5, f32(C), f32(C), np.abs(f32(C)) + 0.2]
    Wc, bc = f32(4, C, 3, 3, scale=0.4), f32(4, scale=0.1)
    bn2 = [np.abs(f32(4)) + 0.5, f32(4), f32(4), np.abs(f32(4)) + 0.2]
    Wm = f32(64, 8, scale=0.2)
    sub = f32(16, scale=0.3)
    Wg, bg = f32(5, 16), f32(5)
    inits = [numpy_helper.from_array(a, n) for a, n in
             zip(bn1 + [Wc, bc] + bn2 + [Wm, sub, Wg, bg, np.array([0, 64], dtype=np.int64),
                                         np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64),
                                         np.array(0.5, dtype=np.float32)],
                 ["g1", "b1", "m1", "v1", "Wc", "bc", "g2", "b2", "m2", "v2", "Wm", "sub", "Wg", "bg", "shape",
                  "pads", "padv"])]
    nodes = [
        helper.make_node("BatchNormalization", ["input", "g1", "b1", "m1", "v1"], ["n1"], name="bn_in", epsilon=1e-3),
        helper.make_node("Conv", ["n1", "Wc", "bc"], ["c1"], name="conv", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("BatchNormalization", ["c1", "g2", "b2", "m2", "v2"], ["n2"], name="bn_conv"),
        helper.make_node("LeakyRelu", ["n2"], ["l1"], name="lrelu", alpha=0.1),
        helper.make_node("MaxPool", ["l1"], ["p1"], name="maxpool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Pad", ["p1", "pads", "padv"], ["p2"], name="pad", mode="constant"),
        helper.make_node("AveragePool", ["p2"], ["p3"], name="avgpool", kernel_shape=[2, 2], strides=[1, 1]),
        helper.make_node("Transpose", ["p3"], ["t1"], name="transpose", perm=[0, 1, 3, 2]),
        helper.make_node("Reshape", ["t1", "shape"], ["r1"], name="reshape"),
        helper.make_node("MatMul", ["r1", "Wm"], ["m1o"], name="matmul"),
        helper.make_node("Tanh", ["m1o"], ["th"], name="tanh"),
        helper.make_node("Sigmoid", ["m1o"], ["sg"], name="sigmoid"),
        helper.make_node("Concat", ["th", "sg"], ["cc"], name="concat", axis=1),
        helper.make_node("Sub", ["cc", "sub"], ["sb"], name="sub"),
        helper.make_node("Gemm", ["sb", "Wg", "bg"], ["logits"], name="gemm", transB=1, alpha=0.5, beta=2.0),
        helper.make_node("Softmax", ["logits"], ["output"], name="softmax", axis=-1),
    ]
    g = helper.make_graph(nodes, "ops_a", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", C, H, H])],
                          [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 5])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="zkmlops train_models.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out, "ops_a.onnx"))
    x = f32(16, C, H, H)
    t = lambda a: torch.tensor(a)
    with torch.no_grad():
        y = F.batch_norm(t(x), t(bn1[2]), t(bn1[3]), t(bn1[0]), t(bn1[1]), eps=1e-3)
        y = F.conv2d(y, t(Wc), t(bc), padding=1)
        y = F.batch_norm(y, t(bn2[2]), t(bn2[3]), t(bn2[0]), t(bn2[1]), eps=1e-5)
        y = F.leaky_relu(y, 0.1)
        y = F.max_pool2d(y, 2, 2)
        y = F.pad(y, (1, 1, 1, 1), value=0.5)
        y = F.avg_pool2d(y, 2, 1)
        y = y.transpose(2, 3).reshape(-1, 64) @ t(Wm)
        y = torch.cat([torch.tanh(y), torch.sigmoid(y)], 1) - t(sub)
        y = 0.5 * (y @ t(Wg).T) + 2.0 * t(bg)
        y = torch.softmax(y, -1).numpy()
    dump(os.path.join(out, "ops_a.test.json"), {"input_data": rows(x.reshape(16, -1))})
    dump(os.path.join(out, "ops_a.expected.json"), {"output_data": [[float(v) for v in r] for r in y]})

    # ops_b: grouped, dilated, strided Conv with asymmetric pads, GlobalAveragePool,
    # Flatten, Identity, Add and Mul of two activations, Relu; ceil_mode MaxPool.
    Wg2, bg2 = f32(4, 2, 3, 3, scale=0.5), f32(4)
    inits = [numpy_helper.from_array(Wg2, "W"), numpy_helper.from_array(bg2, "B")]
    nodes = [
        helper.make_node("Conv", ["input", "W", "B"], ["c"], name="gconv", group=2, dilations=[2, 2],
                         strides=[2, 1], pads=[1, 0, 2, 1]),
        helper.make_node("MaxPool", ["c"], ["mp"], name="mp_ceil", kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1),
        helper.make_node("GlobalAveragePool", ["mp"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["f"], name="flatten"),
        helper.make_node("Identity", ["f"], ["i"], name="identity"),
        helper.make_node("Add", ["i", "f"], ["a"], name="add2"),
        helper.make_node("Mul", ["a", "i"], ["mu"], name="mul2"),
        helper.make_node("Relu", ["mu"], ["output"], name="relu"),
    ]
    g = helper.make_graph(nodes, "ops_b", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 4, 9, 7])],
                          [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 4])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="zkmlops train_models.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out, "ops_b.onnx"))
    xs = f32(6, 1, 4, 9, 7)
    ys = []
    with torch.no_grad():
        for xb in xs:
            y = F.conv2d(F.pad(t(xb), (0, 1, 1, 2)), t(Wg2), t(bg2), stride=(2, 1), dilation=2, groups=2)
            y = F.max_pool2d(y, 2, 2, ceil_mode=True)
            y = y.mean(dim=(2, 3))
            y = torch.relu((y + y) * y)
            ys.append(y.numpy()[0])
    dump(os.path.join(out, "ops_b.test.json"), {"input_data": rows(xs.reshape(6, -1))})
    dump(os.path.join(out, "ops_b.expected.json"), {"output_data": [[float(v) for v in r] for r in ys]})
    # view_cnn: the x.view(x.size(0), -1) export pattern (Shape, Gather, Unsqueeze,
    # Concat, Reshape on constants; Unsqueeze/Squeeze on activations), no constant folding.
    class ViewNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.c = torch.nn.Conv2d(1, 2, 3)
            self.l = torch.nn.Linear(2 * 6 * 6, 3)

        def forward(self, x):
            y = torch.relu(self.c(x))
            y = y.view(y.size(0), -1)
            return self.l(y).unsqueeze(1).squeeze(1)

    torch.manual_seed(4)
    net = ViewNet().eval()
    xs = torch.tensor(f32(6, 1, 8, 8))
    path = os.path.join(out, "view_cnn.onnx")
    torch.onnx.export(net, xs[:1], path, opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=False)
    with torch.no_grad():
        y = net(xs).numpy()
    dump(os.path.join(out, "view_cnn.test.json"), {"input_data": rows(xs.numpy().reshape(6, -1))})
    dump(os.path.join(out, "view_cnn.expected.json"), {"output_data": [[float(v) for v in r] for r in y]})
    print("ops_a, ops_b, view_cnn: operator fixtures with PyTorch reference outputs")


def hostile_models(out):
    """Malformed or unsupported models: each must be refused with a clear error."""
    d = os.path.join(out, "bad")
    os.makedirs(d, exist_ok=True)

    def model(nodes, inits, ins, outs, opset=13):
        g = helper.make_graph(nodes, "bad", ins, outs, inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = 8
        return m

    vi = helper.make_tensor_value_info
    x4 = [vi("x", TensorProto.FLOAT, ["N", 4])]
    y = [vi("y", TensorProto.FLOAT, ["N", 4])]
    cases = {}
    cases["unsupported_op"] = model([helper.make_node("Cos", ["x"], ["y"], name="cosine")], [], x4, y)
    cases["two_inputs"] = model([helper.make_node("Add", ["x", "z"], ["y"], name="add")], [],
                                x4 + [vi("z", TensorProto.FLOAT, ["N", 4])], y)
    cases["symbolic_dim"] = model([helper.make_node("Relu", ["x"], ["y"], name="r")], [],
                                  [vi("x", TensorProto.FLOAT, ["N", "features"])], y)
    def raw_tensor(name, dims, raw):
        t = TensorProto()
        t.name = name
        t.data_type = TensorProto.FLOAT
        t.dims.extend(dims)
        t.raw_data = raw
        return t

    big = raw_tensor("W", [1 << 20, 1 << 20], b"")
    cases["huge_initializer"] = model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [big], x4, y)
    short = raw_tensor("W", [4, 4], b"\0" * 12)
    cases["short_raw_data"] = model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [short], x4, y)
    cases["missing_input"] = model([helper.make_node("Relu", ["nowhere"], ["y"], name="r")], [], x4, y)
    cases["ml_domain"] = model([helper.make_node("Normalizer", ["x"], ["y"], name="norm", domain="ai.onnx.ml")],
                               [], x4, y)
    cases["string_initializer"] = model(
        [helper.make_node("Add", ["x", "s"], ["y"], name="add")],
        [helper.make_tensor("s", TensorProto.STRING, [1], vals=[b"a"])], x4, y)
    cases["bad_reshape"] = model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="rs")],
        [numpy_helper.from_array(np.array([3, 5], dtype=np.int64), "shape")], x4, y)
    for name, m in cases.items():
        with open(os.path.join(d, name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())
    with open(os.path.join(d, "not_protobuf.onnx"), "wb") as f:
        f.write(b"this is not an ONNX file\n")
    print(f"bad/: {len(cases) + 1} hostile models")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "fixtures", "onnx"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    bc_models(a.out)
    digits_models(a.out)
    op_models(a.out)
    hostile_models(a.out)


if __name__ == "__main__":
    main()
