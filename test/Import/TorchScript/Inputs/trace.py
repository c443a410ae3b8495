#!/usr/bin/python3
"""Traces one small module by name into a TorchScript archive: trace.py OUT.pt NAME.

The modules exercise one operator family each; the lit tests next to this file
import them with neuron-cc and check the graph IR.
"""

import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class Arith(nn.Module):
    def forward(self, x, y):
        a = x + y * 2.0 - 1
        b = torch.rsub(a, 3.0)
        c = b / y
        d = torch.pow(c, 2) + torch.sqrt(torch.abs(x)) + torch.rsqrt(torch.abs(y) + 1)
        return torch.maximum(d, x), torch.minimum(d, y), -d


class Activations(nn.Module):
    def forward(self, x):
        return (torch.relu(x), F.gelu(x), F.gelu(x, approximate="tanh"),
                torch.tanh(x), torch.sigmoid(x), F.hardtanh(x, -1.0, 1.0),
                F.relu6(x), torch.clamp(x, min=0.5), torch.exp(x), torch.erf(x))


class Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)
        self.fc3d = nn.Linear(8, 6, bias=False)

    def forward(self, x, y):
        return self.fc(x), self.fc3d(y), torch.addmm(self.fc.bias, x, self.fc.weight.t()), torch.matmul(y, y.transpose(1, 2)), torch.bmm(y, y.transpose(1, 2))


class Conv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 8, 3, stride=2, padding=1, dilation=1)
        self.dw = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=8, bias=False)
        self.bn = nn.BatchNorm2d(8)

    def forward(self, x):
        y = self.bn(self.dw(self.conv(x)))
        return F.max_pool2d(y, 3, stride=2, padding=1, ceil_mode=True), F.avg_pool2d(y, 2), F.adaptive_avg_pool2d(y, 1), F.adaptive_avg_pool2d(y, 2)


class Shapes(nn.Module):
    def forward(self, x):
        b = x.size(0)
        v = x.view(b, -1)
        p = x.permute(0, 2, 1)
        t = x.transpose(1, 2).contiguous()
        f = torch.flatten(x, 1)
        s = x[:, 1:3, ::2]
        sel = x[:, 0]
        u = x.unsqueeze(1).squeeze(1)
        e = x[:, :1, :].expand(-1, 3, -1)
        c = torch.cat([x, x * 2], dim=2)
        parts = torch.chunk(x, 2, dim=2)
        st = torch.stack([sel, sel], dim=0)
        return v, p, t, f, s, sel, u, e, c, parts[0], parts[1], st


class Reductions(nn.Module):
    def forward(self, x):
        return x.mean(dim=-1), x.sum(dim=(0, 2), keepdim=True), torch.amax(x, dim=1), F.softmax(x, dim=1), F.layer_norm(x, (5,))


class Embedding(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)

    def forward(self, ids, mask):
        e = self.emb(ids)
        m = mask[:, None, :].to(dtype=e.dtype)
        z = torch.zeros_like(ids)
        w = torch.where(mask[:, :, None].bool(), e, torch.ones_like(e))
        f = e.masked_fill((1 - mask[:, :, None]).bool(), -1.0)
        return e * m.transpose(1, 2), z, w, f, ids.to(torch.float32)


class Compare(nn.Module):
    """Comparisons and logical operators on runtime tensors (DistilBERT's
    `(mask == 0).view(...).expand_as(scores)` then masked_fill)."""

    def forward(self, x, y, mask):
        m = (mask == 0).view(2, 1, 5).expand_as(x)
        s = x.masked_fill(m, torch.finfo(x.dtype).min)
        a = (x > y) & ~(x <= 0.5)
        b = torch.logical_or(x < y, x >= 1.0) ^ (x != y)
        c = torch.logical_not(mask) | torch.logical_and(mask, mask.ge(1))
        return s, a, b, c


def compare_inputs():
    x = torch.randn(2, 3, 5)
    y = torch.where(torch.rand(2, 3, 5) < 0.5, x, torch.randn(2, 3, 5))
    return x, y, torch.randint(0, 2, (2, 5))


class MaxMin(nn.Module):
    """The overloads of max/min (binary, full, per dim with unused indices)
    and in-place masked_fill_ (older DistilBERT: scores.masked_fill_(mask, -inf))."""

    def forward(self, x, y):
        s = x * 2
        s.masked_fill_(y > 0, -float("inf"))
        return (torch.max(x, y), torch.min(x, y), x.max(), torch.min(x, dim=1)[0],
                x.max(-1, keepdim=True).values, s)


class Argmax(nn.Module):
    def forward(self, x):
        return torch.max(x, dim=1)[1]


class BitwiseInt(nn.Module):
    def forward(self, x, y):
        return x & y


class Unsupported(nn.Module):
    def forward(self, x):
        return torch.cummax(x, 0)[0] + torch.sort(x, 0)[0] + torch.cummax(x, 1)[0]


class Dropout(nn.Module):
    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout(0.5)
        self.bn = nn.BatchNorm1d(4)

    def forward(self, x):
        return self.bn(self.drop(x))


MODELS = {
    "arith": (Arith, lambda: (torch.randn(2, 3), torch.rand(2, 3) + 0.5)),
    "activations": (Activations, lambda: (torch.randn(2, 3),)),
    "linear": (Linear, lambda: (torch.randn(2, 8), torch.randn(3, 5, 8))),
    "conv": (Conv, lambda: (torch.randn(1, 4, 16, 16),)),
    "shapes": (Shapes, lambda: (torch.randn(2, 4, 6),)),
    "reductions": (Reductions, lambda: (torch.randn(3, 4, 5),)),
    "embedding": (Embedding, lambda: (torch.randint(0, 10, (2, 5)), torch.randint(0, 2, (2, 5)))),
    "compare": (Compare, compare_inputs),
    "maxmin": (MaxMin, lambda: (torch.randn(3, 4), torch.randn(3, 4))),
    "argmax": (Argmax, lambda: (torch.randn(3, 4),)),
    "bitwise_int": (BitwiseInt, lambda: (torch.tensor([1, 2]), torch.tensor([3, 3]))),
    "unsupported": (Unsupported, lambda: (torch.randn(3, 3),)),
    "dropout_train": (Dropout, lambda: (torch.randn(2, 4),)),
}


def main():
    out, name = sys.argv[1], sys.argv[2]
    cls, inputs = MODELS[name]
    module = cls()
    if name != "dropout_train":
        module.eval()
    torch.manual_seed(0)
    traced = torch.jit.trace(module, inputs(), check_trace=False)
    traced.save(out)


if __name__ == "__main__":
    main()
