#!/usr/bin/env python3
"""GPU checks against Hugging Face, in one run of a few minutes (docs/performance.md, "CUDA").

Needs an NVIDIA GPU and Python with torch (CUDA), transformers, peft and safetensors. Builds nothing itself:
tests/perf/gpu_check.sh builds the engine against this torch's LibTorch first and passes --l1ra.

1. logits: a random LLaMA of ~1 B shape (TinyLlama's: 2048 wide, 22 layers, 32 heads / 4 KV heads, FFN 5632,
   vocab 32000) saved by transformers; `l1ra logits --device cuda --dtype f32` against transformers in fp32.
2. peft: an adapter exported by `l1ra export --format peft` (per-module ranks) loaded with
   PeftModel.from_pretrained on its base; logits compared with `l1ra logits --adapter` (tests/peft/check_with_peft.py).
3. speed: training tokens/s and MFU in bf16, `l1ra bench` (LoRA and L1RA) against transformers + peft LoRA on the
   same model shape, batch and sequence length.
Prints one JSON object.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def logits_check(a, workdir):
    import numpy as np
    import torch
    from safetensors.numpy import load_file
    from transformers import LlamaConfig, LlamaForCausalLM
    cfg = LlamaConfig(vocab_size=32000, hidden_size=2048, intermediate_size=5632, num_hidden_layers=22,
                      num_attention_heads=32, num_key_value_heads=4, max_position_embeddings=2048,
                      rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False)
    torch.manual_seed(0)
    model = LlamaForCausalLM(cfg).to(torch.bfloat16)
    folder = os.path.join(workdir, "llama-1b")
    model.save_pretrained(folder, safe_serialization=True)
    ids = torch.randint(3, cfg.vocab_size, (1, 128), generator=torch.Generator().manual_seed(1))
    model = model.float().cuda().eval()
    with torch.no_grad():
        theirs = model(ids.cuda()).logits[0].float().cpu().numpy()
    del model
    torch.cuda.empty_cache()
    out = os.path.join(workdir, "ours.safetensors")
    t0 = time.time()
    run([a.l1ra, "logits", "--model", folder, "--ids", ",".join(map(str, ids[0].tolist())), "--out", out,
         "--device", "cuda", "--dtype", "f32"])
    ours = load_file(out)["logits"]
    err = float(np.abs(ours - theirs).max() / np.abs(theirs).max())
    return {"shape": "2048 wide, 22 layers, GQA 32/4, FFN 5632, vocab 32000", "tokens": int(ids.shape[1]),
            "relative_error": err, "ok": err <= 1e-4, "l1ra_seconds": time.time() - t0}, folder


def peft_check(a):
    script = os.path.join(os.path.dirname(__file__), "..", "peft", "check_with_peft.py")
    r = subprocess.run([sys.executable, script, "--l1ra", a.l1ra, "--model", a.peft_base, "--adapter", a.peft_adapter,
                        "--device", "cuda"], capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError:
        return {"ok": False, "error": r.stderr[-2000:]}


def hf_train_speed(a, method_rank):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM
    cfg = LlamaConfig(vocab_size=a.vocab, hidden_size=a.dim, intermediate_size=a.ffn, num_hidden_layers=a.layers,
                      num_attention_heads=a.heads, num_key_value_heads=a.kv_heads, max_position_embeddings=a.seq)
    model = LlamaForCausalLM(cfg).to(torch.bfloat16).cuda()
    model = get_peft_model(model, LoraConfig(r=method_rank, lora_alpha=2 * method_rank, lora_dropout=0.1,
                                             target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]))
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq), device="cuda")
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
    return {"engine": "transformers+peft", "tokens_per_s": a.batch * a.seq / median, "median_step_s": median}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--l1ra", required=True)
    p.add_argument("--peft-base", required=True)
    p.add_argument("--peft-adapter", required=True)
    for name, default in [("vocab", 32000), ("dim", 2048), ("layers", 22), ("heads", 32), ("kv-heads", 4), ("ffn", 5632),
                          ("seq", 1024), ("batch", 4), ("rank", 16), ("steps", 10)]:
        p.add_argument("--" + name, type=int, default=default)
    a = p.parse_args()
    import torch
    report = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "date": time.strftime("%Y-%m-%d")}
    with tempfile.TemporaryDirectory() as tmp:
        report["logits"], _ = logits_check(a, tmp)
    report["peft"] = peft_check(a)
    shape = ["--vocab", str(a.vocab), "--dim", str(a.dim), "--layers", str(a.layers), "--heads", str(a.heads),
             "--kv-heads", str(a.kv_heads), "--ffn", str(a.ffn), "--seq", str(a.seq), "--batch", str(a.batch),
             "--rank", str(a.rank), "--steps", str(a.steps), "--device", "cuda", "--precision", "bf16", "--json"]
    report["speed"] = {}
    for method in ("lora", "l1ra"):
        report["speed"]["l1ra_" + method] = json.loads(run([a.l1ra, "bench", "--method", method] + shape).stdout)
    report["speed"]["hf_peft_lora"] = hf_train_speed(a, a.rank)
    flops = report["speed"]["l1ra_lora"]["flops_per_step"]
    peak = report["speed"]["l1ra_lora"]["peak_gflops"] * 1e9
    for k, v in report["speed"].items():
        v["mfu_vs_measured_peak"] = flops / v["median_step_s"] / peak
    report["ok"] = bool(report["logits"]["ok"] and report["peft"].get("ok"))
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
