#!/usr/bin/python3
"""Traces the test and benchmark models with random weights.

Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision). For
each model NAME it writes into OUTDIR: NAME.pt (torch.jit.trace), NAME.onnx
(torch.onnx.export, opset 13 or the model's
own, see OPSETS), NAME.io.json (the --io-config for neuron-cc),
NAME.in<i>.npy (an example input) and NAME.out<i>.npy (PyTorch's outputs).

    make_models.py OUTDIR [--batch B] [--no-onnx] [--opset N] mlp cnn transformer [resnet18 ...]

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
    """A BERT encoder with embeddings, an attention mask and a pooler; with
    `labels`, also a sequence-classification head on the pooled output (as
    Hugging Face's BertForSequenceClassification) whose logits are a third
    output."""

    def __init__(self, vocab=1000, d=64, layers=2, heads=4, ff=256, max_len=512, labels=0):
        super().__init__()
        self.word = nn.Embedding(vocab, d)
        self.position = nn.Embedding(max_len, d)
        self.token_type = nn.Embedding(2, d)
        self.norm = nn.LayerNorm(d, eps=1e-12)
        self.register_buffer("position_ids", torch.arange(max_len).expand((1, -1)))
        self.layers = nn.ModuleList([Layer(d, heads, ff) for _ in range(layers)])
        self.pooler = nn.Linear(d, d)
        self.classifier = nn.Linear(d, labels) if labels else None

    def forward(self, input_ids, attention_mask):
        seq = input_ids.size(1)
        pos = self.position_ids[:, 0:seq]
        types = torch.zeros_like(input_ids)
        x = self.norm(self.word(input_ids) + self.position(pos) + self.token_type(types))
        mask = attention_mask[:, None, None, :].to(dtype=x.dtype)
        mask = (1.0 - mask) * -10000.0
        for layer in self.layers:
            x = layer(x, mask)
        pooled = torch.tanh(self.pooler(x[:, 0]))
        if self.classifier is None:
            return x, pooled
        return x, pooled, self.classifier(pooled)


# Hugging Face style models, re-implemented after the transformers modelling
# code (GPT-2, DistilBERT, T5 encoder, ViT) so their traced graphs contain the
# same operator patterns: Conv1D's addmm, gelu_new, the causal-mask buffer and
# torch.where with finfo.min, masked_fill, RMSNorm, T5's relative position
# buckets, the ViT patch embedding and CLS token.


class Conv1D(nn.Module):
    """transformers.pytorch_utils.Conv1D: a linear layer with a transposed weight."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))
        nn.init.normal_(self.weight, std=0.02)

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class GPT2Attention(nn.Module):
    def __init__(self, d, heads, max_positions):
        super().__init__()
        self.register_buffer(
            "bias",
            torch.tril(torch.ones((max_positions, max_positions), dtype=torch.bool)).view(
                1, 1, max_positions, max_positions),
            persistent=False)
        self.register_buffer("masked_bias", torch.tensor(-1e4), persistent=False)
        self.embed_dim, self.num_heads, self.head_dim = d, heads, d // heads
        self.split_size = d
        self.c_attn = Conv1D(3 * d, d)
        self.c_proj = Conv1D(d, d)
        self.attn_dropout = nn.Dropout(0.1)
        self.resid_dropout = nn.Dropout(0.1)

    def _attn(self, query, key, value, attention_mask=None):
        attn_weights = torch.matmul(query, key.transpose(-1, -2))
        attn_weights = attn_weights / torch.full(
            [], value.size(-1) ** 0.5, dtype=attn_weights.dtype, device=attn_weights.device)
        query_length, key_length = query.size(-2), key.size(-2)
        causal_mask = self.bias[:, :, key_length - query_length:key_length, :key_length]
        mask_value = torch.finfo(attn_weights.dtype).min
        mask_value = torch.full([], mask_value, dtype=attn_weights.dtype).to(attn_weights.device)
        attn_weights = torch.where(causal_mask, attn_weights.to(attn_weights.dtype), mask_value)
        if attention_mask is not None:
            attn_weights = attn_weights + attention_mask
        attn_weights = nn.functional.softmax(attn_weights, dim=-1)
        attn_weights = attn_weights.type(value.dtype)
        attn_weights = self.attn_dropout(attn_weights)
        return torch.matmul(attn_weights, value)

    def _split_heads(self, tensor, num_heads, attn_head_size):
        new_shape = tensor.size()[:-1] + (num_heads, attn_head_size)
        return tensor.view(new_shape).permute(0, 2, 1, 3)

    def _merge_heads(self, tensor, num_heads, attn_head_size):
        tensor = tensor.permute(0, 2, 1, 3).contiguous()
        new_shape = tensor.size()[:-2] + (num_heads * attn_head_size,)
        return tensor.view(new_shape)

    def forward(self, hidden_states, attention_mask=None):
        query, key, value = self.c_attn(hidden_states).split(self.split_size, dim=2)
        query = self._split_heads(query, self.num_heads, self.head_dim)
        key = self._split_heads(key, self.num_heads, self.head_dim)
        value = self._split_heads(value, self.num_heads, self.head_dim)
        attn_output = self._attn(query, key, value, attention_mask)
        attn_output = self._merge_heads(attn_output, self.num_heads, self.head_dim)
        return self.resid_dropout(self.c_proj(attn_output))


class GPT2MLP(nn.Module):
    def __init__(self, d, inner):
        super().__init__()
        self.c_fc = Conv1D(inner, d)
        self.c_proj = Conv1D(d, inner)
        self.act = gelu_new
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states):
        return self.dropout(self.c_proj(self.act(self.c_fc(hidden_states))))


class GPT2Block(nn.Module):
    def __init__(self, d, heads, max_positions):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d, eps=1e-5)
        self.attn = GPT2Attention(d, heads, max_positions)
        self.ln_2 = nn.LayerNorm(d, eps=1e-5)
        self.mlp = GPT2MLP(d, 4 * d)

    def forward(self, hidden_states, attention_mask=None):
        residual = hidden_states
        attn_output = self.attn(self.ln_1(hidden_states), attention_mask)
        hidden_states = attn_output + residual
        residual = hidden_states
        feed_forward_hidden_states = self.mlp(self.ln_2(hidden_states))
        return residual + feed_forward_hidden_states


class GPT2LMHeadModel(nn.Module):
    """GPT2Model + the language-model head tied to the word embedding."""

    def __init__(self, vocab=1000, d=64, layers=2, heads=4, max_positions=64):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(max_positions, d)
        self.drop = nn.Dropout(0.1)
        self.h = nn.ModuleList([GPT2Block(d, heads, max_positions) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d, eps=1e-5)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.wte.weight
        self.dtype = torch.float32

    def forward(self, input_ids, attention_mask):
        input_shape = input_ids.size()
        input_ids = input_ids.view(-1, input_shape[-1])
        batch_size = input_ids.shape[0]
        past_length = 0
        position_ids = torch.arange(past_length, input_shape[-1] + past_length, dtype=torch.long,
                                    device=input_ids.device)
        position_ids = position_ids.unsqueeze(0).view(-1, input_shape[-1])
        attention_mask = attention_mask.view(batch_size, -1)
        attention_mask = attention_mask[:, None, None, :]
        attention_mask = attention_mask.to(dtype=self.dtype)
        attention_mask = (1.0 - attention_mask) * torch.finfo(self.dtype).min
        hidden_states = self.drop(self.wte(input_ids) + self.wpe(position_ids))
        output_shape = input_shape + (hidden_states.size(-1),)
        for block in self.h:
            hidden_states = block(hidden_states, attention_mask)
        hidden_states = self.ln_f(hidden_states).view(output_shape)
        return self.lm_head(hidden_states)


class DistilEmbeddings(nn.Module):
    def __init__(self, vocab, d, max_positions):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, d)
        self.position_embeddings = nn.Embedding(max_positions, d)
        self.LayerNorm = nn.LayerNorm(d, eps=1e-12)
        self.dropout = nn.Dropout(0.1)
        self.register_buffer("position_ids", torch.arange(max_positions).expand((1, -1)),
                             persistent=False)

    def forward(self, input_ids):
        seq_length = input_ids.size(1)
        position_ids = self.position_ids[:, :seq_length]
        embeddings = self.word_embeddings(input_ids) + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.n_heads, self.dim = heads, d
        self.dropout = nn.Dropout(0.1)
        self.q_lin = nn.Linear(d, d)
        self.k_lin = nn.Linear(d, d)
        self.v_lin = nn.Linear(d, d)
        self.out_lin = nn.Linear(d, d)

    def forward(self, query, key, value, mask):
        bs, q_length, dim = query.size()
        k_length = key.size(1)
        dim_per_head = self.dim // self.n_heads
        mask_reshp = (bs, 1, 1, k_length)

        def shape(x):
            return x.view(bs, -1, self.n_heads, dim_per_head).transpose(1, 2)

        def unshape(x):
            return x.transpose(1, 2).contiguous().view(bs, -1, self.n_heads * dim_per_head)

        q = shape(self.q_lin(query))
        k = shape(self.k_lin(key))
        v = shape(self.v_lin(value))
        q = q / math.sqrt(dim_per_head)
        scores = torch.matmul(q, k.transpose(2, 3))
        mask = (mask == 0).view(mask_reshp).expand_as(scores)
        scores = scores.masked_fill(mask, torch.tensor(torch.finfo(scores.dtype).min))
        weights = self.dropout(nn.functional.softmax(scores, dim=-1))
        context = unshape(torch.matmul(weights, v))
        return self.out_lin(context)


class DistilTransformerBlock(nn.Module):
    def __init__(self, d, heads, hidden):
        super().__init__()
        self.attention = MultiHeadSelfAttention(d, heads)
        self.sa_layer_norm = nn.LayerNorm(d, eps=1e-12)
        self.lin1 = nn.Linear(d, hidden)
        self.lin2 = nn.Linear(hidden, d)
        self.dropout = nn.Dropout(0.1)
        self.output_layer_norm = nn.LayerNorm(d, eps=1e-12)

    def forward(self, x, attn_mask):
        sa_output = self.attention(query=x, key=x, value=x, mask=attn_mask)
        sa_output = self.sa_layer_norm(sa_output + x)
        ffn_output = self.dropout(self.lin2(F.gelu(self.lin1(sa_output))))
        return self.output_layer_norm(ffn_output + sa_output)


class DistilBertForSequenceClassification(nn.Module):
    def __init__(self, vocab=1000, d=64, layers=2, heads=4, hidden=256, max_positions=64, labels=3):
        super().__init__()
        self.embeddings = DistilEmbeddings(vocab, d, max_positions)
        self.layer = nn.ModuleList([DistilTransformerBlock(d, heads, hidden) for _ in range(layers)])
        self.pre_classifier = nn.Linear(d, d)
        self.classifier = nn.Linear(d, labels)
        self.dropout = nn.Dropout(0.2)

    def forward(self, input_ids, attention_mask):
        hidden_state = self.embeddings(input_ids)
        for layer in self.layer:
            hidden_state = layer(hidden_state, attention_mask)
        pooled_output = nn.ReLU()(self.pre_classifier(hidden_state[:, 0]))
        logits = self.classifier(self.dropout(pooled_output))
        return hidden_state, logits


class T5LayerNorm(nn.Module):
    """RMSNorm: no mean subtraction, no bias."""

    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(1.0 + 0.1 * torch.randn(d))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        variance = hidden_states.to(torch.float32).pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        if self.weight.dtype in [torch.float16, torch.bfloat16]:
            hidden_states = hidden_states.to(self.weight.dtype)
        return self.weight * hidden_states


class T5Attention(nn.Module):
    def __init__(self, d, heads, kv_dim, has_relative_attention_bias, num_buckets=32,
                 max_distance=128):
        super().__init__()
        self.n_heads, self.key_value_proj_dim = heads, kv_dim
        self.inner_dim = heads * kv_dim
        self.has_relative_attention_bias = has_relative_attention_bias
        self.relative_attention_num_buckets = num_buckets
        self.relative_attention_max_distance = max_distance
        self.q = nn.Linear(d, self.inner_dim, bias=False)
        self.k = nn.Linear(d, self.inner_dim, bias=False)
        self.v = nn.Linear(d, self.inner_dim, bias=False)
        self.o = nn.Linear(self.inner_dim, d, bias=False)
        if has_relative_attention_bias:
            self.relative_attention_bias = nn.Embedding(num_buckets, heads)
        self.dropout = 0.1

    @staticmethod
    def _relative_position_bucket(relative_position, bidirectional=True, num_buckets=32,
                                  max_distance=128):
        relative_buckets = 0
        if bidirectional:
            num_buckets //= 2
            relative_buckets += (relative_position > 0).to(torch.long) * num_buckets
            relative_position = torch.abs(relative_position)
        else:
            relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
        max_exact = num_buckets // 2
        is_small = relative_position < max_exact
        relative_position_if_large = max_exact + (
            torch.log(relative_position.float() / max_exact)
            / math.log(max_distance / max_exact)
            * (num_buckets - max_exact)
        ).to(torch.long)
        relative_position_if_large = torch.min(
            relative_position_if_large, torch.full_like(relative_position_if_large, num_buckets - 1))
        relative_buckets += torch.where(is_small, relative_position, relative_position_if_large)
        return relative_buckets

    def compute_bias(self, query_length, key_length, device=None):
        context_position = torch.arange(query_length, dtype=torch.long, device=device)[:, None]
        memory_position = torch.arange(key_length, dtype=torch.long, device=device)[None, :]
        relative_position = memory_position - context_position
        relative_position_bucket = self._relative_position_bucket(
            relative_position, bidirectional=True,
            num_buckets=self.relative_attention_num_buckets,
            max_distance=self.relative_attention_max_distance)
        values = self.relative_attention_bias(relative_position_bucket)
        return values.permute([2, 0, 1]).unsqueeze(0)

    def forward(self, hidden_states, mask=None, position_bias=None):
        batch_size, seq_length = hidden_states.shape[:2]
        key_length = seq_length

        def shape(states):
            return states.view(batch_size, -1, self.n_heads, self.key_value_proj_dim).transpose(1, 2)

        def unshape(states):
            return states.transpose(1, 2).contiguous().view(batch_size, -1, self.inner_dim)

        query_states = shape(self.q(hidden_states))
        key_states = shape(self.k(hidden_states))
        value_states = shape(self.v(hidden_states))
        scores = torch.matmul(query_states, key_states.transpose(3, 2))
        if position_bias is None:
            position_bias = self.compute_bias(seq_length, key_length, device=scores.device)
            if mask is not None:
                position_bias = position_bias + mask
        scores += position_bias
        attn_weights = nn.functional.softmax(scores.float(), dim=-1).type_as(scores)
        attn_weights = nn.functional.dropout(attn_weights, p=self.dropout, training=self.training)
        attn_output = unshape(torch.matmul(attn_weights, value_states))
        return self.o(attn_output), position_bias


class T5Block(nn.Module):
    def __init__(self, d, heads, kv_dim, d_ff, has_relative_attention_bias):
        super().__init__()
        self.attn_norm = T5LayerNorm(d)
        self.SelfAttention = T5Attention(d, heads, kv_dim, has_relative_attention_bias)
        self.ff_norm = T5LayerNorm(d)
        self.wi = nn.Linear(d, d_ff, bias=False)
        self.wo = nn.Linear(d_ff, d, bias=False)
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states, attention_mask, position_bias):
        attention_output, position_bias = self.SelfAttention(
            self.attn_norm(hidden_states), mask=attention_mask, position_bias=position_bias)
        hidden_states = hidden_states + self.dropout(attention_output)
        forwarded_states = self.wi(self.ff_norm(hidden_states))
        forwarded_states = self.dropout(nn.functional.relu(forwarded_states))
        forwarded_states = self.wo(forwarded_states)
        return hidden_states + self.dropout(forwarded_states), position_bias


class T5EncoderModel(nn.Module):
    def __init__(self, vocab=1000, d=64, layers=2, heads=4, kv_dim=16, d_ff=128):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, d)
        self.block = nn.ModuleList(
            [T5Block(d, heads, kv_dim, d_ff, i == 0) for i in range(layers)])
        self.final_layer_norm = T5LayerNorm(d)
        self.dropout = nn.Dropout(0.1)
        self.dtype = torch.float32

    def forward(self, input_ids, attention_mask):
        input_shape = input_ids.size()
        input_ids = input_ids.view(-1, input_shape[-1])
        inputs_embeds = self.embed_tokens(input_ids)
        extended_attention_mask = attention_mask[:, None, None, :].to(dtype=self.dtype)
        extended_attention_mask = (1.0 - extended_attention_mask) * torch.finfo(self.dtype).min
        hidden_states = self.dropout(inputs_embeds)
        position_bias = None
        for layer_module in self.block:
            hidden_states, position_bias = layer_module(
                hidden_states, extended_attention_mask, position_bias)
        return self.dropout(self.final_layer_norm(hidden_states))


class ViTSelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.num_attention_heads = heads
        self.attention_head_size = d // heads
        self.all_head_size = d
        self.query = nn.Linear(d, d)
        self.key = nn.Linear(d, d)
        self.value = nn.Linear(d, d)
        self.dropout = nn.Dropout(0.0)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states):
        mixed_query_layer = self.query(hidden_states)
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        query_layer = self.transpose_for_scores(mixed_query_layer)
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_probs = self.dropout(nn.functional.softmax(attention_scores, dim=-1))
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        new_context_layer_shape = context_layer.size()[:-2] + (self.all_head_size,)
        return context_layer.view(new_context_layer_shape)


class ViTLayer(nn.Module):
    def __init__(self, d, heads, inner):
        super().__init__()
        self.layernorm_before = nn.LayerNorm(d, eps=1e-12)
        self.attention = ViTSelfAttention(d, heads)
        self.attention_output = nn.Linear(d, d)
        self.layernorm_after = nn.LayerNorm(d, eps=1e-12)
        self.intermediate = nn.Linear(d, inner)
        self.intermediate_act_fn = nn.GELU()
        self.output = nn.Linear(inner, d)
        self.dropout = nn.Dropout(0.0)

    def forward(self, hidden_states):
        attention_output = self.dropout(self.attention_output(
            self.attention(self.layernorm_before(hidden_states))))
        hidden_states = attention_output + hidden_states
        layer_output = self.intermediate_act_fn(self.intermediate(self.layernorm_after(hidden_states)))
        return self.dropout(self.output(layer_output)) + hidden_states


class ViTForImageClassification(nn.Module):
    def __init__(self, image=64, patch=16, channels=3, d=64, layers=2, heads=4, inner=128,
                 labels=10):
        super().__init__()
        num_patches = (image // patch) ** 2
        self.cls_token = nn.Parameter(torch.randn(1, 1, d))
        self.position_embeddings = nn.Parameter(torch.randn(1, num_patches + 1, d))
        self.projection = nn.Conv2d(channels, d, kernel_size=patch, stride=patch)
        self.dropout = nn.Dropout(0.0)
        self.layer = nn.ModuleList([ViTLayer(d, heads, inner) for _ in range(layers)])
        self.layernorm = nn.LayerNorm(d, eps=1e-12)
        self.classifier = nn.Linear(d, labels)

    def forward(self, pixel_values):
        batch_size, num_channels, height, width = pixel_values.shape
        embeddings = self.projection(pixel_values).flatten(2).transpose(1, 2)
        cls_tokens = self.cls_token.expand(batch_size, -1, -1)
        embeddings = torch.cat((cls_tokens, embeddings), dim=1)
        hidden_states = self.dropout(embeddings + self.position_embeddings)
        for layer in self.layer:
            hidden_states = layer(hidden_states)
        sequence_output = self.layernorm(hidden_states)
        return self.classifier(sequence_output[:, 0, :])


class Masks(nn.Module):
    """Comparisons and logical operators on runtime tensors, which the
    importers build from sub/max/cast/where: every overload, with ties."""

    def forward(self, x, y, mask):
        m = (mask == 0).view(mask.size(0), 1, -1).expand_as(x)
        s = x.masked_fill(m, torch.finfo(x.dtype).min)
        a = (x > y) & ~(x <= 0.5) | (x == y)
        b = torch.logical_or(x < y, x >= 1.0) ^ (x != y)
        k = (x * 2).to(torch.int64)
        c = (~(k > 0) & k.ge(-1)) | (torch.logical_and(k, mask[:, None, :]) ^ k.lt(-1))
        return s, a, b, c, torch.where(x.le(y), x, y), torch.max(x, y) - x.max(dim=-1, keepdim=True)[0]


def masks_inputs(batch):
    x = torch.randn(batch, 3, 8)
    x[:, 0, :2] = torch.tensor([0.5, 1.0])
    y = torch.where(torch.rand(batch, 3, 8) < 0.5, x, torch.randn(batch, 3, 8))
    return x, y, torch.randint(0, 2, (batch, 8))

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
        return Bert(30522, 768, 12, 12, 3072, labels=2), bert_inputs(b(1), 128, 30522), ["input_ids", "attention_mask"]
    if name == "masks":
        return Masks(), masks_inputs(b(2)), ["x", "y", "mask"]
    if name == "gpt2":
        return GPT2LMHeadModel(), bert_inputs(b(2), 16, 1000), ["input_ids", "attention_mask"]
    if name == "distilbert":
        return (DistilBertForSequenceClassification(), bert_inputs(b(2), 16, 1000),
                ["input_ids", "attention_mask"])
    if name == "t5":
        return T5EncoderModel(), bert_inputs(b(2), 16, 1000), ["input_ids", "attention_mask"]
    if name == "vit":
        return ViTForImageClassification(), (torch.randn(b(2), 3, 64, 64),), ["pixel_values"]
    import torchvision
    if name == "resnet18":
        return torchvision.models.resnet18(), (torch.randn(b(1), 3, 224, 224),), ["x"]
    if name == "mobilenet_v2":
        return torchvision.models.mobilenet_v2(), (torch.randn(b(1), 3, 224, 224),), ["x"]
    raise SystemExit(f"unknown model {name}")


DTYPES = {torch.float32: "float32", torch.int64: "int64"}

# The ONNX opset each model is exported at, when not 13: the Hugging Face
# exporters (optimum) use 14 (GPT-2, DistilBERT, T5) and 17 keeps ViT's
# LayerNormalization as one node.
OPSETS = {"gpt2": 14, "distilbert": 14, "t5": 14, "vit": 17}


def main():
    parser = argparse.ArgumentParser(description="Traces test and benchmark models.")
    parser.add_argument("out")
    parser.add_argument("names", nargs="+")
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument("--no-onnx", action="store_true")
    parser.add_argument("--opset", type=int, default=None,
                        help="ONNX opset for every model (default: 13 or the model's own)")
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
                                  input_names=names,
                                  opset_version=args.opset or OPSETS.get(model, 13))
        config = {"inputs": {n: [list(t.shape), DTYPES[t.dtype]] for n, t in zip(names, inputs)}}
        with open(os.path.join(out, name + ".io.json"), "w") as f:
            json.dump(config, f)
        for i, t in enumerate(inputs):
            np.save(os.path.join(out, f"{name}.in{i}.npy"), t.numpy())
        for i, t in enumerate(outputs):
            np.save(os.path.join(out, f"{name}.out{i}.npy"), t.numpy())


if __name__ == "__main__":
    main()
