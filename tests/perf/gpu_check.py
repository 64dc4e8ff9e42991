#!/usr/bin/env python3
"""GPU checks against Hugging Face, in one run of a few minutes (docs/performance.md, "CUDA").

Needs an NVIDIA GPU and Python with torch (CUDA), transformers, peft and safetensors. Builds nothing itself:
tests/perf/gpu_check.sh builds the engine against this torch's LibTorch first and passes --l1ra.

1. logits: a random LLaMA of ~1 B shape (TinyLlama's: 2048 wide, 22 layers, 32 heads / 4 KV heads, FFN 5632,
   vocab 32000) saved by transformers; `l1ra logits --device cuda --dtype f32` against transformers in fp32,
   once with the engine's fused CUDA attention and once with its plain torch attention.
2. peft: an adapter exported by `l1ra export --format peft` (per-module ranks) loaded with
   PeftModel.from_pretrained on its base; logits compared with `l1ra logits --adapter` (tests/peft/check_with_peft.py).
3. speed: training tokens/s, peak memory and MFU in bf16, `l1ra bench` (LoRA and L1RA) against transformers + peft
   LoRA on the same model shape, batch and sequence length.
Each part reports on its own (a failure is recorded with its error and the next part still runs). Prints one JSON
object; progress goes to stderr.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peft"))
from check_with_peft import f32_kwargs  # noqa: E402  (transformers' from_pretrained dtype keyword by version)

# Dense bf16 tensor-core peaks from NVIDIA's data sheets, for MFU against the nominal figure.
NOMINAL_BF16_TFLOPS = {"H100 80GB HBM3": 989.4, "H100 SXM": 989.4, "H100 PCIe": 756.0, "H100 NVL": 835.0,
                       "H200": 989.4, "A100": 312.0, "L40S": 362.0, "RTX 4090": 165.2}

START = time.time()


def log(msg):
    print(f"[gpu_check {time.time() - START:6.1f} s] {msg}", file=sys.stderr, flush=True)


def run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:2])} failed ({r.returncode}): {r.stderr[-3000:]}")
    return r


def stage(report, name, fn):
    log(f"{name} ...")
    t0 = time.time()
    try:
        report[name] = fn()
    except Exception:
        report[name] = {"ok": False, "error": traceback.format_exc()[-4000:]}
    report[name]["seconds"] = round(time.time() - t0, 1)
    log(f"{name}: {'ok' if report[name].get('ok', True) else 'FAILED'} ({report[name]['seconds']} s)")


def logits_check(a, workdir):
    import numpy as np
    import torch
    from safetensors.numpy import load_file
    from transformers import LlamaConfig, LlamaForCausalLM
    cfg = LlamaConfig(vocab_size=32000, hidden_size=2048, intermediate_size=5632, num_hidden_layers=22,
                      num_attention_heads=32, num_key_value_heads=4, max_position_embeddings=2048,
                      rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False)
    torch.manual_seed(0)
    with torch.device("cuda"):   # random initialisation on the GPU: seconds, not a minute
        model = LlamaForCausalLM(cfg)
    model = model.to(torch.bfloat16)
    folder = os.path.join(workdir, "llama-1b")
    model.save_pretrained(folder)   # safetensors, bf16 (the usual way such checkpoints are shipped)
    saved = json.load(open(os.path.join(folder, "config.json")))
    ids = torch.randint(3, cfg.vocab_size, (1, 128), generator=torch.Generator().manual_seed(1))
    # Loaded back in fp32 the way a user loads it (not model.float(): .to(bfloat16) also rounded the rotary
    # inv_freq buffer, and the reference would then carry bf16 RoPE frequencies).
    del model
    model = LlamaForCausalLM.from_pretrained(folder, **f32_kwargs()).cuda().eval()
    with torch.no_grad():
        theirs = model(ids.cuda()).logits[0].float().cpu().numpy()
    del model
    torch.cuda.empty_cache()
    result = {"shape": "2048 wide, 22 layers, GQA 32/4, FFN 5632, vocab 32000, bf16 weights, fp32 compute",
              "tokens": int(ids.shape[1]), "tolerance": 1e-4,
              "config_keys": sorted(k for k in saved if k.startswith("rope") or k in ("dtype", "torch_dtype"))}
    for attention in ("fused", "reference"):
        env = dict(os.environ)
        if attention == "reference":
            env["L1RA_CUDA_ATTENTION"] = "reference"
        out = os.path.join(workdir, f"ours-{attention}.safetensors")
        t0 = time.time()
        run([a.l1ra, "logits", "--model", folder, "--ids", ",".join(map(str, ids[0].tolist())), "--out", out,
             "--device", "cuda", "--dtype", "f32"], env=env)
        ours = load_file(out)["logits"]
        err = float(np.abs(ours - theirs).max() / np.abs(theirs).max())
        result[attention + "_attention"] = {"relative_error": err, "ok": err <= 1e-4,
                                            "argmax_agreement": float((ours.argmax(-1) == theirs.argmax(-1)).mean()),
                                            "l1ra_seconds": round(time.time() - t0, 1)}
    result["ok"] = all(result[k]["ok"] for k in ("fused_attention", "reference_attention"))
    return result


def peft_check(a):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peft", "check_with_peft.py")
    r = subprocess.run([sys.executable, script, "--l1ra", a.l1ra, "--model", a.peft_base, "--adapter", a.peft_adapter,
                        "--device", "cuda"], capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError:
        return {"ok": False, "error": (r.stdout + r.stderr)[-4000:]}


def hf_train_speed(a, dropout=0.1):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM
    cfg = LlamaConfig(vocab_size=a.vocab, hidden_size=a.dim, intermediate_size=a.ffn, num_hidden_layers=a.layers,
                      num_attention_heads=a.heads, num_key_value_heads=a.kv_heads, max_position_embeddings=a.seq)
    torch.manual_seed(0)
    with torch.device("cuda"):
        model = LlamaForCausalLM(cfg)
    model = model.to(torch.bfloat16)   # frozen base in bf16, as the engine keeps it
    model = get_peft_model(model, LoraConfig(r=a.rank, lora_alpha=2 * a.rank, lora_dropout=dropout,
                                             target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                                                             "up_proj", "down_proj"]))
    for p in model.parameters():       # adapters in fp32 under autocast, as in the engine
        if p.requires_grad:
            p.data = p.data.float()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq), device="cuda")
    torch.cuda.reset_peak_memory_stats()
    times = []
    for step in range(a.steps + 3):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
        if step >= 3:
            times.append(time.perf_counter() - t0)
    times.sort()
    median = times[len(times) // 2]
    result = {"engine": "transformers+peft", "dropout": dropout, "tokens_per_s": a.batch * a.seq / median, "median_step_s": median,
              "peak_memory_bytes": torch.cuda.max_memory_allocated(),
              "attention": getattr(model.config, "_attn_implementation", "?")}
    del model, opt
    torch.cuda.empty_cache()
    return result


def speed_check(a):
    import torch
    shape = ["--vocab", str(a.vocab), "--dim", str(a.dim), "--layers", str(a.layers), "--heads", str(a.heads),
             "--kv-heads", str(a.kv_heads), "--ffn", str(a.ffn), "--seq", str(a.seq), "--batch", str(a.batch),
             "--rank", str(a.rank), "--steps", str(a.steps), "--device", "cuda", "--precision", "bf16", "--json"]
    result = {"shape": {k: getattr(a, k) for k in ("vocab", "dim", "layers", "heads", "kv_heads", "ffn", "seq",
                                                     "batch", "rank", "steps")}}
    # The engine at the standard settings, then two variants that show where its time goes (no dropout; plain
    # attention instead of the fused one), and transformers+peft with and without dropout.
    variants = [("l1ra_lora", ["--method", "lora"], None), ("l1ra_l1ra", ["--method", "l1ra"], None),
                ("l1ra_lora_no_dropout", ["--method", "lora", "--dropout", "0"], None),
                ("l1ra_lora_plain_attention", ["--method", "lora"], "reference")]
    for name, extra, attention in variants:
        env = dict(os.environ)
        if attention:
            env["L1RA_CUDA_ATTENTION"] = attention
        try:
            result[name] = json.loads(run([a.l1ra, "bench"] + extra + shape, env=env).stdout)
        except Exception:
            result[name] = {"error": traceback.format_exc()[-3000:]}
        log(f"  {name}: {result[name].get('tokens_per_s', 'failed')}")
    for name, dropout in (("hf_peft_lora", 0.1), ("hf_peft_lora_no_dropout", 0.0)):
        try:
            result[name] = hf_train_speed(a, dropout)
        except Exception:
            result[name] = {"error": traceback.format_exc()[-3000:]}
        log(f"  {name}: {result[name].get('tokens_per_s', 'failed')}")
    ours = result.get("l1ra_lora", {})
    if "flops_per_step" in ours:
        name = torch.cuda.get_device_name(0)
        nominal = next((v for k, v in NOMINAL_BF16_TFLOPS.items() if k in name), None)
        result["measured_peak_tflops"] = ours["peak_gflops"] / 1e3
        result["nominal_peak_tflops"] = nominal
        for k, v in result.items():
            if isinstance(v, dict) and "median_step_s" in v:
                rate = ours["flops_per_step"] / v["median_step_s"]
                v["mfu_vs_measured_peak"] = rate / (ours["peak_gflops"] * 1e9)
                if nominal:
                    v["mfu_vs_nominal_peak"] = rate / (nominal * 1e12)
    result["ok"] = all("error" not in result.get(k, {"error": 1}) for k in ("l1ra_lora", "l1ra_l1ra", "hf_peft_lora"))
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--l1ra", required=True)
    p.add_argument("--peft-base", required=True)
    p.add_argument("--peft-adapter", required=True)
    p.add_argument("--skip", default="", help="comma-separated parts to leave out: logits, peft, speed")
    for name, default in [("vocab", 32000), ("dim", 2048), ("layers", 22), ("heads", 32), ("kv-heads", 4), ("ffn", 5632),
                          ("seq", 1024), ("batch", 4), ("rank", 16), ("steps", 10)]:
        p.add_argument("--" + name, type=int, default=default)
    a = p.parse_args()
    a.l1ra = os.path.abspath(a.l1ra)
    skip = set(filter(None, a.skip.split(",")))
    import torch
    import transformers
    report = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
              "transformers": transformers.__version__, "date": time.strftime("%Y-%m-%d")}
    try:
        import peft
        report["peft_version"] = peft.__version__
    except ImportError:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        if "logits" not in skip:
            stage(report, "logits", lambda: logits_check(a, tmp))
    if "peft" not in skip:
        stage(report, "peft", lambda: peft_check(a))
    if "speed" not in skip:
        stage(report, "speed", lambda: speed_check(a))
    report["ok"] = all(report[k].get("ok", False) for k in ("logits", "peft", "speed") if k in report)
    report["seconds"] = round(time.time() - START, 1)
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
