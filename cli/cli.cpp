#include "cli.h"

#include "commands.h"
#include "l1ra/error.h"
#include "l1ra/version.h"

#include <exception>

namespace l1ra::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> list = {
        {"info", "summarise a model folder as JSON", "l1ra info --model DIR", runInfo},
        {"tokenize", "token ids of a text with a model folder's tokenizer (tokenizer.json or tokenizer.model)",
         "l1ra tokenize --model DIR (--text TEXT | --file FILE) [--json] [--no-special]\n"
         "              --json prints {\"ids\":[...],\"tokens\":[...]}; --no-special leaves out the BOS the model adds",
         runTokenize},
        {"logits", "write the logits of a text or id sequence to safetensors",
         "l1ra logits --model DIR (--text TEXT | --ids 1,2,3) --out FILE.safetensors [--adapter DIR]\n"
         "            [--device cpu|cuda] [--dtype auto|f32|bf16|f16] [--base-dtype bf16|int8|nf4] [--threads N]",
         runLogits},
        {"generate", "continue a prompt (greedy, or sampled with temperature/top-p)",
         "l1ra generate --model DIR (--prompt TEXT | --instruction TEXT [--input TEXT]) [--max-new-tokens N]\n"
         "              [--temperature T] [--top-p P]"
         " [--seed S] [--adapter DIR] [--json] [--device D] [--dtype T] [--base-dtype B] [--threads N]",
         runGenerate},
        {"train", "fine-tune a model (L1RA, LoRA or full) from a run config",
         "l1ra train [--config RUN.json] [--set key=value ...] [--out DIR] [--json] [--nproc N]\n"
         "           keys and defaults: docs/run-config.md; Ctrl-C stops cleanly with a checkpoint\n"
         "           --nproc N: data-parallel over N local processes, train.batch_size each (docs/distributed.md);\n"
         "           started by torchrun or another launcher, the RANK/WORLD_SIZE/MASTER_* variables say the same",
         runTrain},
        {"control", "steer a run training in another process (headless or data-parallel): lambda, budget, checkpoint, pause, stop",
         "l1ra control --run DIR [--lambda X] [--budget N] [--checkpoint] [--pause | --resume] [--stop]\n"
         "             applied at the run's next step boundary, as the studio's live controls (docs/distributed.md)",
         runControl},
        {"resume", "continue a stopped run from its newest checkpoint",
         "l1ra resume --run DIR [--set key=value ...] [--json] [--nproc N]\n"
         "            --set may change model.base_dtype, model.double_quant, train.gradient_checkpointing, device, threads\n"
         "            train.on_divergence, train.divergence_lr_factor, train.divergence_max_skips, eval.patience,\n"
         "            eval.min_delta and samples.*",
         runResume},
        {"eval", "validation loss and perplexity of a model (optionally with an adapter) on a data file",
         "l1ra eval (--model DIR [--adapter DIR] | --run DIR) --data FILE [--format F] [--seq-len N]\n"
         "          [--batch-size N] [--max-batches N] [--device D] [--dtype T] [--base-dtype B] [--threads N] [--json]",
         runEval},
        {"export", "write a run's adapter in HF peft format or as a llama.cpp GGUF LoRA, the merged model (HF folder or GGUF), or its metrics or rank history as CSV",
         "l1ra export --run DIR --format peft|merged --out DIR [--force] [--checkpoint DIR|best]\n"
         "            [--max-shard-size BYTES] [--dtype f32|bf16|f16]\n"
         "  l1ra export --run DIR --format gguf-lora --out FILE.gguf [--dtype f32|f16|bf16] [--force] [--checkpoint DIR|best]\n"
         "  l1ra export --run DIR --format gguf --out FILE.gguf [--dtype f16|bf16|q8_0|f32] [--force] [--checkpoint DIR|best]\n"
         "  l1ra export --run DIR --format metrics-csv|ranks-csv --out FILE.csv [--force]",
         runExport},
        {"compare", "a markdown report over finished runs (perplexity, wall time, rank per projection and layer, churn), or a sweep's table",
         "l1ra compare RUN_DIR [RUN_DIR ...] | SWEEP_DIR", runCompare},
        {"sweep", "train a grid of run-config values times seeds, one run folder each, and tabulate them",
         "l1ra sweep --config RUN.json --grid KEY=V1,V2,... [--grid ...] [--seeds N|S1,S2,...] [--set key=value ...]\n"
         "           [--out DIR] [--jobs N] [--plan]\n"
         "           seeds: N = the config's seed and the N-1 after it (default 1); runs go one after the other unless\n"
         "           --jobs N (then give each run fewer threads, e.g. --set threads=1); an interrupted sweep continues\n"
         "           when the same command is run again; --plan writes sweep.json and lists the runs without training\n"
         "  l1ra sweep --out DIR --only I                 run only the I-th run (0-based) of the sweep in DIR",
         runSweep},
        {"config", "print the resolved run config, check a config file, or the reference table",
         "l1ra config [--check RUN.json] [--set key=value ...] | --defaults | --markdown", runConfig},
        {"demo", "prepare the embedded demo (data from Debian packages, the shipped base model, run configs)",
         "l1ra demo prepare --out DIR [--base MODEL_DIR]\n"
         "  l1ra demo data --out DIR [--seed N]          the demo data alone\n"
         "  l1ra demo pretrain --data DIR --out MODEL_DIR [--steps N] [--threads N] [--run DIR] [--json]\n"
         "                                               rebuild the shipped base model (docs/demo.md)",
         runDemo},
        {"bench", "training throughput and peak memory of a model shape (random weights), split by phase",
         "l1ra bench [--vocab N --dim N --layers N --heads N --kv-heads N --ffn N --seq N --batch N --rank N]\n"
         "           [--method lora|l1ra|full] [--precision auto|f32|bf16] [--base-dtype bf16|int8|nf4]\n"
         "           [--grad-checkpointing] [--steps N] [--warmup N] [--threads N] [--realloc-every N] [--dropout P]\n"
         "           [--device D] [--json] [--operators]\n"
         "  l1ra bench --method M --against M2 [...]     two methods in one run, steps interleaved, and their ratio\n"
         "  l1ra bench [...] --against base-dtype=bf16,grad-checkpointing=false   the same against other settings\n"
         "  l1ra bench [...] --nproc N    data-parallel: N processes of --batch each against one, and the scaling efficiency",
         runBench},
        {"plan", "expected peak memory of a run (weights, adapters, activations, workspace) against the device's free memory",
         "l1ra plan --config RUN.json [--set key=value ...] [--free BYTES] [--json]\n"
         "  l1ra plan --vocab N --dim N --layers N --heads N --kv-heads N [--head-dim N] --ffn N --seq N --batch N\n"
         "            [--rank N] [--method M] [--precision bf16|f32] [--base-dtype bf16|int8|nf4] [--grad-checkpointing]\n"
         "            [--tied] [--device cpu|cuda] [--free BYTES] [--json]      a shape without a model folder\n"
         "  BYTES may end in K, M, G (powers of 1024), e.g. --free 24G for a 24 GiB card",
         runPlan},
    };
    return list;
}

static void printUsage(std::ostream& out) {
    out << "l1ra — L1RA Studio's headless engine\n\nUsage: l1ra COMMAND [OPTIONS]\n\nCommands:\n";
    for (const auto& c : commands()) out << "  " << c.name << std::string(10 - std::string(c.name).size(), ' ') << c.summary << "\n";
    out << "\n'l1ra help COMMAND' shows a command's options; 'l1ra --version' the version, LibTorch and CUDA.\n";
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
        if (args.size() >= 2) {
            for (const auto& c : commands())
                if (args[1] == c.name) {
                    out << c.summary << "\n\n  " << c.usage << "\n";
                    return 0;
                }
            err << "l1ra: unknown command '" << args[1] << "'\n";
            return 2;
        }
        printUsage(args.empty() ? err : out);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version" || args[0] == "version") {
        out << versionReport("l1ra");
        return 0;
    }
    for (const auto& c : commands()) {
        if (args[0] != c.name) continue;
        const Args rest(args.begin() + 1, args.end());
        try {
            return c.run(rest, out, err);
        } catch (const Error& e) {
            err << "l1ra " << c.name << ": " << e.what() << "\n";
            return 1;
        } catch (const std::exception& e) {
            err << "l1ra " << c.name << ": internal error: " << e.what() << "\n";
            return 3;
        }
    }
    err << "l1ra: unknown command '" << args[0] << "'\n";
    printUsage(err);
    return 2;
}

}  // namespace l1ra::cli
