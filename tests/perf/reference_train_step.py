#!/usr/bin/env python3
"""Eager PyTorch reference of the engine's training step, for `l1ra bench` comparisons (docs/performance.md).

The same LLaMA (HF semantics: RMSNorm in fp32, rotate-half RoPE, GQA, SwiGLU), random weights, random tokens,
adapters on all seven projections (LoRA: y = Wx + s·B(Ax); L1RA: y = Wx + s·B(c ⊙ Ax) with gates in their own
AdamW group and the decoupled L1 shrink), AdamW, mean token cross-entropy. Written the way a PyTorch user would:
nn.Linear modules, one adapter module per projection, F.scaled_dot_product_attention when torch has it.

    /usr/bin/python3 tests/perf/reference_train_step.py --method l1ra --precision bf16 --json

Precision f32 runs in fp32; bf16 runs under torch.autocast("cpu", bfloat16), the fastest eager configuration
on this machine. Prints one JSON object with tokens_per_s and median_step_s (same keys as l1ra bench --json).
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


class AdaptedLinear(nn.Module):
    def __init__(self, inp, out, rank, alpha, dropout, gated):
        super().__init__()
        self.base = nn.Linear(inp, out, bias=False)
        self.base.weight.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.randn(rank, inp) / rank)
        self.lora_B = nn.Parameter(torch.zeros(out, rank))
        self.gate = nn.Parameter(torch.ones(rank)) if gated else None
        self.scale = alpha / rank
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        h = F.linear(self.dropout(x), self.lora_A)
        if self.gate is not None:
            h = h * self.gate.clamp(0, 1)
        return self.base(x) + F.linear(h, self.lora_B) * self.scale


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Layer(nn.Module):
    def __init__(self, a, gated):
        super().__init__()
        hd = a.dim // a.heads
        self.heads, self.kv, self.hd = a.heads, a.kv_heads, hd
        lin = lambda i, o: AdaptedLinear(i, o, a.rank, 2 * a.rank, 0.1, gated)
        self.q, self.k, self.v = lin(a.dim, a.heads * hd), lin(a.dim, a.kv_heads * hd), lin(a.dim, a.kv_heads * hd)
        self.o = lin(a.heads * hd, a.dim)
        self.gate, self.up, self.down = lin(a.dim, a.ffn), lin(a.dim, a.ffn), lin(a.ffn, a.dim)
        self.n1, self.n2 = RMSNorm(a.dim), RMSNorm(a.dim)

    def forward(self, x, cos, sin):
        B, T, _ = x.shape
        h = self.n1(x)
        q = self.q(h).view(B, T, self.heads, self.hd).transpose(1, 2)
        k = self.k(h).view(B, T, self.kv, self.hd).transpose(1, 2)
        v = self.v(h).view(B, T, self.kv, self.hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = self.heads // self.kv
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        if hasattr(F, "scaled_dot_product_attention"):
            a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            s = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd)
            s = s.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
            a = torch.softmax(s, dim=-1, dtype=torch.float32).to(q.dtype) @ v
        x = x + self.o(a.transpose(1, 2).reshape(B, T, -1))
        h = self.n2(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Model(nn.Module):
    def __init__(self, a, gated):
        super().__init__()
        self.embed = nn.Embedding(a.vocab, a.dim)
        self.layers = nn.ModuleList(Layer(a, gated) for _ in range(a.layers))
        self.norm = RMSNorm(a.dim)
        self.head = nn.Linear(a.dim, a.vocab, bias=False)
        for p in [self.embed.weight, self.head.weight] + [l.n1.weight for l in self.layers] + [l.n2.weight for l in self.layers] + [self.norm.weight]:
            p.requires_grad_(False)
        hd = a.dim // a.heads
        inv = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))
        f = torch.outer(torch.arange(a.seq).float(), inv)
        emb = torch.cat((f, f), dim=-1)
        self.register_buffer("cos", emb.cos())
        self.register_buffer("sin", emb.sin())

    def forward(self, ids):
        x = self.embed(ids)
        cos, sin = self.cos.to(x.dtype), self.sin.to(x.dtype)
        for l in self.layers:
            x = l(x, cos, sin)
        return self.head(self.norm(x))


def main():
    p = argparse.ArgumentParser()
    for name, default in [("vocab", 2048), ("dim", 256), ("layers", 4), ("heads", 8), ("kv-heads", 4), ("ffn", 688),
                          ("seq", 256), ("batch", 8), ("rank", 8), ("steps", 20), ("warmup", 3), ("threads", 2)]:
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--method", choices=["lora", "l1ra"], default="l1ra")
    p.add_argument("--precision", choices=["f32", "bf16"], default="bf16")
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    gated = a.method == "l1ra"
    model = Model(a, gated)
    gates = [m.gate for m in model.modules() if isinstance(m, AdaptedLinear) and m.gate is not None]
    ab = [p for n, p in model.named_parameters() if p.requires_grad and not n.endswith("gate")]
    groups = [{"params": ab, "lr": 1e-3, "weight_decay": 0.0}]
    if gates:
        groups.append({"params": gates, "lr": 2e-2, "weight_decay": 0.0})
    opt = torch.optim.AdamW(groups)
    g = torch.Generator().manual_seed(1)
    data = torch.randint(0, a.vocab, (a.warmup + a.steps, a.batch, a.seq), generator=g)
    times = []
    for step in range(a.warmup + a.steps):
        ids = data[step]
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            logits = model(ids)
        loss = F.cross_entropy(logits[:, :-1].float().reshape(-1, a.vocab), ids[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if gates:
            with torch.no_grad():
                for c in gates:
                    c.sub_(2e-2 * 1e-4).clamp_(0, 1)
        if step >= a.warmup:
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    result = {"engine": "eager-pytorch", "torch": torch.__version__, "method": a.method, "precision": a.precision,
              "threads": a.threads, "tokens_per_s": a.batch * a.seq / median, "median_step_s": median, "steps": a.steps}
    print(json.dumps(result) if a.json else f"{result['method']} {result['precision']}: {result['tokens_per_s']:.0f} tok/s, median step {median:.4f} s")


if __name__ == "__main__":
    main()
