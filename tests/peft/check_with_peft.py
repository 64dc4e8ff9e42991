#!/usr/bin/env python3
"""Loads an adapter exported by `l1ra export --format peft` with Hugging Face peft and compares logits.

Needs Python with torch, transformers, peft and safetensors (none of them are Debian packages; use a venv or a
machine that has them). Run it whenever such a machine is at hand (see docs/exports.md):

    python3 tests/peft/check_with_peft.py --l1ra build/bin/l1ra --model tests/data/tiny-llama \
        --adapter /tmp/peft-export [--merged /tmp/merged-export] [--text "..."] [--tolerance 1e-4]

It prints one JSON object and exits non-zero when a comparison fails.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def our_logits(l1ra, model, ids, adapter=None, device="cpu"):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "logits.safetensors")
        cmd = [l1ra, "logits", "--model", model, "--ids", ",".join(str(i) for i in ids), "--out", out,
               "--device", device, "--dtype", "f32"]
        if adapter:
            cmd += ["--adapter", adapter]
        subprocess.run(cmd, check=True, capture_output=True)
        from safetensors.numpy import load_file
        return load_file(out)["logits"]


def our_ids(l1ra, model, text):
    """Token ids of `text` by our tokenizer; None when this l1ra was built without sentencepiece."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "ids.safetensors")
        r = subprocess.run([l1ra, "logits", "--model", model, "--text", text, "--out", out, "--device", "cpu"],
                           capture_output=True)
        if r.returncode != 0:
            return None
        from safetensors.numpy import load_file
        return [int(i) for i in load_file(out)["input_ids"]]


def f32_kwargs():
    """transformers 4.56 renamed from_pretrained's torch_dtype to dtype."""
    import torch
    import transformers
    major, minor = (int(x) for x in transformers.__version__.split(".")[:2])
    return {"dtype": torch.float32} if (major, minor) >= (4, 56) else {"torch_dtype": torch.float32}


def relative_error(a, b):
    import numpy as np
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--l1ra", required=True, help="path of the l1ra binary")
    p.add_argument("--model", required=True, help="base model folder (HF layout)")
    p.add_argument("--adapter", required=True, help="folder written by l1ra export --format peft")
    p.add_argument("--merged", help="folder written by l1ra export --format merged (optional)")
    p.add_argument("--text", default="The quick brown fox jumps over the lazy dog, and the licence permits redistribution.")
    p.add_argument("--tolerance", type=float, default=1e-4, help="max abs error relative to the largest logit")
    p.add_argument("--device", default="cpu")
    args = p.parse_args()

    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    ids = our_ids(args.l1ra, args.model, args.text)
    ids_source = "l1ra tokenizer"
    if ids is None:   # no tokenizer in this build: fixed ids inside the vocabulary test the same arithmetic
        vocab = json.load(open(os.path.join(args.model, "config.json")))["vocab_size"]
        ids = [(7 * i + 3) % vocab for i in range(40)]
        ids_source = "fixed ids (this l1ra has no tokenizer)"
    input_ids = torch.tensor([ids], device=args.device)
    report = {"tokens": len(ids), "ids": ids_source, "tolerance": args.tolerance, "checks": {}}

    base = AutoModelForCausalLM.from_pretrained(args.model, **f32_kwargs()).to(args.device).eval()
    peft_model = PeftModel.from_pretrained(base, args.adapter).eval()
    # Every module must have been built with the rank our export declares (rank_pattern honoured).
    config = json.load(open(os.path.join(args.adapter, "adapter_config.json")))
    wrong_ranks = []
    for name, module in peft_model.named_modules():
        if hasattr(module, "lora_A") and "default" in getattr(module, "lora_A", {}):
            key = name.split("base_model.model.", 1)[-1]
            want = config["rank_pattern"].get(key, config["r"])
            got = module.lora_A["default"].weight.shape[0]
            if got != want:
                wrong_ranks.append((key, want, got))
    report["checks"]["ranks"] = {"ok": not wrong_ranks, "mismatches": wrong_ranks[:10]}

    with torch.no_grad():
        theirs = peft_model(input_ids).logits[0].float().cpu().numpy()
    ours = our_logits(args.l1ra, args.model, ids, args.adapter, args.device)
    err = relative_error(ours, theirs)
    report["checks"]["peft_adapter_logits"] = {"relative_error": err, "ok": err <= args.tolerance}

    if args.merged:
        merged = AutoModelForCausalLM.from_pretrained(args.merged, **f32_kwargs()).to(args.device).eval()
        with torch.no_grad():
            theirs_merged = merged(input_ids).logits[0].float().cpu().numpy()
        err = relative_error(our_logits(args.l1ra, args.merged, ids, device=args.device), theirs_merged)
        report["checks"]["merged_logits"] = {"relative_error": err, "ok": err <= args.tolerance}
        err = relative_error(theirs_merged, theirs)
        report["checks"]["merged_vs_peft_in_transformers"] = {"relative_error": err, "ok": err <= args.tolerance}

    ok = all(c["ok"] for c in report["checks"].values())
    report["ok"] = ok
    print(json.dumps(report, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
