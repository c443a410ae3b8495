#!/usr/bin/python3
"""Traces the test and benchmark models with random weights.

Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision). For
each model NAME it writes into OUTDIR: NAME.pt (torch.jit.trace), NAME.onnx
(torch.onnx.export, opset 13), NAME.io.json (the --io-config for neuron-cc),
NAME.in<i>.npy (an example input) and NAME.out<i>.npy (PyTorch's outputs).

    make_models.py OUTDIR [--batch B] [--no-onnx] mlp cnn transformer [resnet18 ...]

--batch B traces every named model at batch B instead of its default (1; mlp
4, cnn and transformer 2) and names its files NAME_bB.*; --no-onnx skips the
ONNX export (the benchmarks only need TorchScript).
"""

import argparse
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        return F.softmax(self.fc3(x), dim=-1)


class Block(nn.Module):
    """A ResNet basic block: conv-bn-relu-conv-bn + residual."""

    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + x)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(16)
        self.pool = nn.MaxPool2d(2)
        self.block1 = Block(16)
        self.block2 = Block(16)
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.bn(self.stem(x))))
        x = self.block2(self.block1(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.head(x)


class MobileBlock(nn.Module):
    """MobileNetV3 / EfficientNet building blocks: in-place activations
    (hardswish, silu), a depthwise conv, squeeze-and-excitation with
    hardsigmoid, in-place dropout and a residual add."""

    def __init__(self, c):
        super().__init__()
        self.expand = nn.Conv2d(c, 2 * c, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(2 * c)
        self.act1 = nn.Hardswish(inplace=True)
        self.dw = nn.Conv2d(2 * c, 2 * c, 3, padding=1, groups=2 * c, bias=False)
        self.bn2 = nn.BatchNorm2d(2 * c)
        self.act2 = nn.SiLU(inplace=True)
        self.se1 = nn.Conv2d(2 * c, c // 2, 1)
        self.se2 = nn.Conv2d(c // 2, 2 * c, 1)
        self.gate = nn.Hardsigmoid(inplace=True)
        self.project = nn.Conv2d(2 * c, c, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c)
        self.drop = nn.Dropout(0.2, inplace=True)

    def forward(self, x):
        y = self.act1(self.bn1(self.expand(x)))
        y = self.act2(self.bn2(self.dw(y)))
        s = F.adaptive_avg_pool2d(y, 1)
        s = self.gate(self.se2(F.relu(self.se1(s))))
        y = self.drop(self.bn3(self.project(y * s)))
        return x + y


class Mobile(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.blocks = nn.Sequential(MobileBlock(16), MobileBlock(16))
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        x = self.blocks(torch.tanh_(self.stem(x)))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return torch.sigmoid_(self.head(x))


class SelfAttention(nn.Module):
    """BERT-style attention, written the way Hugging Face's BertSelfAttention is."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.query = nn.Linear(d, d)
        self.key = nn.Linear(d, d)
        self.value = nn.Linear(d, d)
        self.dense = nn.Linear(d, d)
        self.norm = nn.LayerNorm(d, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def split(self, x):
        b, s, _ = x.size()
        return x.view(b, s, self.heads, self.dh).permute(0, 2, 1, 3)

    def forward(self, x, mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dh)
        probs = self.dropout(F.softmax(scores + mask, dim=-1))
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        ctx = ctx.view(ctx.size(0), ctx.size(1), -1)
        return self.norm(self.dropout(self.dense(ctx)) + x)


class Layer(nn.Module):
    def __init__(self, d, heads, ff):
        super().__init__()
        self.attention = SelfAttention(d, heads)
        self.intermediate = nn.Linear(d, ff)
        self.output = nn.Linear(ff, d)
        self.norm = nn.LayerNorm(d, eps=1e-12)

    def forward(self, x, mask):
        x = self.attention(x, mask)
        return self.norm(self.output(F.gelu(self.intermediate(x))) + x)


class Bert(nn.Module):
    """A BERT encoder with embeddings, an attention mask and a pooler."""

    def __init__(self, vocab=1000, d=64, layers=2, heads=4, ff=256, max_len=512):
        super().__init__()
        self.word = nn.Embedding(vocab, d)
        self.position = nn.Embedding(max_len, d)
        self.token_type = nn.Embedding(2, d)
        self.norm = nn.LayerNorm(d, eps=1e-12)
        self.register_buffer("position_ids", torch.arange(max_len).expand((1, -1)))
        self.layers = nn.ModuleList([Layer(d, heads, ff) for _ in range(layers)])
        self.pooler = nn.Linear(d, d)

    def forward(self, input_ids, attention_mask):
        seq = input_ids.size(1)
        pos = self.position_ids[:, 0:seq]
        types = torch.zeros_like(input_ids)
        x = self.norm(self.word(input_ids) + self.position(pos) + self.token_type(types))
        mask = attention_mask[:, None, None, :].to(dtype=x.dtype)
        mask = (1.0 - mask) * -10000.0
        for layer in self.layers:
            x = layer(x, mask)
        return x, torch.tanh(self.pooler(x[:, 0]))


def bert_inputs(batch, seq, vocab):
    ids = torch.randint(0, vocab, (batch, seq), dtype=torch.int64)
    mask = torch.ones(batch, seq, dtype=torch.int64)
    mask[:, seq - seq // 4:] = 0
    return (ids, mask)


def models(name, batch=None):
    """Returns (module, example inputs, input names); `batch` None means the
    model's default batch. The module is built before its inputs are drawn, so
    a model traced alone has the same weights at every batch."""
    b = lambda default: default if batch is None else batch
    if name == "mlp":
        return MLP(), (torch.randn(b(4), 64),), ["x"]
    if name == "mobile":
        return Mobile(), (torch.randn(b(2), 3, 32, 32),), ["x"]
    if name == "cnn":
        return CNN(), (torch.randn(b(2), 3, 32, 32),), ["x"]
    if name == "transformer":
        return Bert(), bert_inputs(b(2), 16, 1000), ["input_ids", "attention_mask"]
    if name == "bert_mini":
        return Bert(30522, 256, 4, 4, 1024), bert_inputs(b(1), 128, 30522), ["input_ids", "attention_mask"]
    if name == "bert_base":
        return Bert(30522, 768, 12, 12, 3072), bert_inputs(b(1), 128, 30522), ["input_ids", "attention_mask"]
    import torchvision
    if name == "resnet18":
        return torchvision.models.resnet18(), (torch.randn(b(1), 3, 224, 224),), ["x"]
    if name == "mobilenet_v2":
        return torchvision.models.mobilenet_v2(), (torch.randn(b(1), 3, 224, 224),), ["x"]
    raise SystemExit(f"unknown model {name}")


DTYPES = {torch.float32: "float32", torch.int64: "int64"}


def main():
    parser = argparse.ArgumentParser(description="Traces test and benchmark models.")
    parser.add_argument("out")
    parser.add_argument("names", nargs="+")
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument("--no-onnx", action="store_true")
    args = parser.parse_args()
    if args.batch is not None and args.batch < 1:
        raise SystemExit(f"--batch must be at least 1, got {args.batch}")
    out = args.out
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    for model in args.names:
        module, inputs, names = models(model, args.batch)
        name = model if args.batch is None else f"{model}_b{args.batch}"
        module.eval()
        with torch.no_grad():
            traced = torch.jit.trace(module, inputs)
            traced.save(os.path.join(out, name + ".pt"))
            outputs = module(*inputs)
            outputs = outputs if isinstance(outputs, tuple) else (outputs,)
            if not args.no_onnx:
                torch.onnx.export(module, inputs, os.path.join(out, name + ".onnx"),
                                  input_names=names, opset_version=13)
        config = {"inputs": {n: [list(t.shape), DTYPES[t.dtype]] for n, t in zip(names, inputs)}}
        with open(os.path.join(out, name + ".io.json"), "w") as f:
            json.dump(config, f)
        for i, t in enumerate(inputs):
            np.save(os.path.join(out, f"{name}.in{i}.npy"), t.numpy())
        for i, t in enumerate(outputs):
            np.save(os.path.join(out, f"{name}.out{i}.npy"), t.numpy())


if __name__ == "__main__":
    main()
