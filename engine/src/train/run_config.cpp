#include "l1ra/run_config.h"

#include "io/file_util.h"
#include "l1ra/error.h"
#include "l1ra/projections.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>
#include <variant>

namespace l1ra {

using nlohmann::json;

// JSON spells a method by its name.
static void to_json(json& j, Method m) { j = methodName(m); }

const std::vector<std::string>& projectionNames() {
    static const std::vector<std::string> names(kProjectionNames.begin(), kProjectionNames.end());
    return names;
}

namespace {

// A field's place in the nested RunConfig: a function returning a reference to it (a captureless lambda, made
// by L1RA_FIELD(train.lr)), so that one table can reach into every section.
template <class T>
using Member = T& (*)(RunConfig&);
#define L1RA_FIELD(path) +[](RunConfig& c) -> auto& { return c.path; }
using AnyMember = std::variant<Member<int>, Member<double>, Member<bool>, Member<std::string>,
                               Member<std::vector<std::string>>, Member<uint64_t>, Member<Method>>;

struct Binding {
    RunConfigField field;
    AnyMember member;
};

constexpr double kBig = 1e9;

// One row of the field table (its default is filled in from RunConfig{} by makeBindings).
RunConfigField f(std::string key, FieldKind kind, double min, double max, std::string help, bool log = false,
                 std::vector<std::string> choices = {}) {
    RunConfigField r;
    r.key = std::move(key);
    r.kind = kind;
    r.min = min;
    r.max = max;
    r.help = std::move(help);
    r.logScale = log;
    r.choices = std::move(choices);
    return r;
}

// The model folder, the run's name, the data and the method.
std::vector<Binding> modelAndDataFields() {
    using K = FieldKind;
    const auto& projections = projectionNames();
    return {
        {f("model", K::Path, 0, 0, "Hugging Face model folder (config.json, safetensors, tokenizer.json or tokenizer.model)."), L1RA_FIELD(model.path)},
        {f("model.base_dtype", K::Choice, 0, 0,
           "Frozen base weights: bf16 keeps them unquantised in the compute dtype; int8 (per row) or nf4 (4-bit NormalFloat, "
           "blocks of 64) quantises the projections at load, about 1/2 or 1/4 of bf16's memory.",
           false, {"bf16", "int8", "nf4"}),
         L1RA_FIELD(model.baseDtype)},
        {f("model.double_quant", K::Boolean, 0, 0, "nf4: quantise each block's absmax too (8-bit, a scale per 256 blocks)."),
         L1RA_FIELD(model.doubleQuant)},
        {f("name", K::Text, 0, 0, "Optional label for this run in run lists."), L1RA_FIELD(name)},
        {f("data.train", K::Path, 0, 0, "Training data: .txt, or JSONL with text, alpaca, chat or ShareGPT records."), L1RA_FIELD(data.train)},
        {f("data.val", K::Path, 0, 0, "Validation data file; empty holds out data.val_fraction of the training data."), L1RA_FIELD(data.val)},
        {f("data.format", K::Choice, 0, 0, "Data format; auto detects it from the file.", false,
           {"auto", "text", "jsonl", "alpaca", "chat", "sharegpt"}),
         L1RA_FIELD(data.format)},
        {f("data.template", K::Choice, 0, 0,
           "How instructions and conversations become text: auto = the model's own chat template (the plain ### format "
           "when it has none or it cannot be used), a family's template, or plain.", false,
           {"auto", "llama3", "llama2", "mistral", "chatml", "plain"}),
         L1RA_FIELD(data.chatTemplate)},

        {f("data.val_fraction", K::Real, 0, 0.5, "Share of training records held out for validation when data.val is empty."),
         L1RA_FIELD(data.valFraction)},
        {f("method", K::Choice, 0, 0, "l1ra: gated LoRA with rank reallocation; lora: plain LoRA; full: every weight trained.", false,
           {"l1ra", "lora", "full"}),
         L1RA_FIELD(method)},
    };
}

// The adapters every targeted projection gets.
std::vector<Binding> adapterFields() {
    using K = FieldKind;
    const auto& projections = projectionNames();
    return {
        {f("adapter.rank", K::Integer, 1, 4096, "Initial rank r0 of every adapter."), L1RA_FIELD(adapter.rank)},
        {f("adapter.alpha", K::Real, 1e-6, 1e6, "LoRA alpha; the adapter scale is alpha / r0 and stays fixed."), L1RA_FIELD(adapter.alpha)},
        {f("adapter.dropout", K::Real, 0, 0.95, "Dropout on the adapter input."), L1RA_FIELD(adapter.dropout)},
        {f("adapter.targets", K::TextList, 0, 0, "Projections that get adapters.", false, projections), L1RA_FIELD(adapter.targets)},
    };
}

// L1RA: the gates' L1 penalty, the reallocation schedule and the reference code's switches.
std::vector<Binding> l1raFields() {
    using K = FieldKind;
    return {
        {f("l1ra.lambda", K::Real, 0, 100, "L1 strength: gates shrink by eta_c * lambda after each step.", true), L1RA_FIELD(l1ra.lambda)},
        {f("l1ra.eta_c", K::Real, 0, 100, "Learning rate of the gates (constant, no weight decay).", true), L1RA_FIELD(l1ra.etaC)},
        {f("l1ra.update_interval", K::Integer, 0, kBig, "Steps between reallocations; 0 = l1ra.interval_share * train.steps."), L1RA_FIELD(l1ra.updateInterval)},
        {f("l1ra.interval_share", K::Real, 1e-6, 1, "Share of train.steps between reallocations when l1ra.update_interval is 0 (the reference code: 0.1)."),
         L1RA_FIELD(l1ra.intervalShare)},
        {f("l1ra.threshold", K::Real, -1, 1, "Gates below this are pruned; negative = derived from the lambda in force by l1ra.threshold_rule."),
         L1RA_FIELD(l1ra.threshold)},
        {f("l1ra.threshold_rule", K::Choice, 0, 0, "Derived threshold: eta_c = eta_c * lambda + 1e-6 (a gate one more shrink would zero); lr = train.lr * lambda + 1e-6 (the reference code).",
           false, {"eta_c", "lr"}),
         L1RA_FIELD(l1ra.thresholdRule)},
        {f("l1ra.reassign", K::Boolean, 0, 0, "Hand pruned ranks to other adapters (off = prune only)."), L1RA_FIELD(l1ra.reassign)},
        {f("l1ra.exclude_pruned", K::Boolean, 0, 0, "Adapters that lost ranks in a round receive none in it."), L1RA_FIELD(l1ra.excludePruned)},
        {f("l1ra.budget", K::Integer, 0, kBig, "Total rank over all adapters; 0 = rank x number of adapters."), L1RA_FIELD(l1ra.budget)},
        {f("l1ra.warmup_share", K::Real, 0, 1, "No reallocation before this share of train.steps."), L1RA_FIELD(l1ra.warmupShare)},
        {f("l1ra.cooldown_share", K::Real, 0, 1, "No reallocation in this final share of train.steps (AdaLoRA's final phase)."), L1RA_FIELD(l1ra.cooldownShare)},
        {f("l1ra.cooldown_shrink", K::Boolean, 0, 0, "Keep shrinking the gates in the cool-down (off: the L1 shrink stops with the last reallocation)."),
         L1RA_FIELD(l1ra.cooldownShrink)},
        {f("l1ra.max_move_share", K::Real, 0, 1, "At most this share of the budget is pruned (and handed out) per reallocation, the lowest gates first; 1 = no cap."),
         L1RA_FIELD(l1ra.maxMoveShare)},
        {f("l1ra.new_rank_init", K::Choice, 0, 0, "A new rank's A row: fresh = N(0,1)/r0; donor = the direction of a rank pruned in the same round from an adapter reading the same input (fresh when none).",
           false, {"fresh", "donor"}),
         L1RA_FIELD(l1ra.newRankInit)},
        {f("l1ra.keep_strongest", K::Boolean, 0, 0, "An adapter whose gates are all under the threshold keeps its strongest rank (off: its last rank, as the reference code)."),
         L1RA_FIELD(l1ra.keepStrongest)},
        {f("l1ra.dead_rank_receives", K::Boolean, 0, 0, "A rank-1 adapter whose only gate is under the threshold can still receive ranks (off: it counts as pruned, as the reference code)."),
         L1RA_FIELD(l1ra.deadRankReceives)},
        {f("l1ra.order_by_survivors", K::Boolean, 0, 0, "Candidates are ordered by their smallest surviving gate (off: smallest gate before pruning, as the reference code)."),
         L1RA_FIELD(l1ra.orderBySurvivors)},
        {f("l1ra.fallback_to_all", K::Boolean, 0, 0, "When every adapter lost ranks, all become candidates (off: the freed ranks are dropped, as the reference code)."),
         L1RA_FIELD(l1ra.fallbackToAll)},
        {f("l1ra.reset_optimizer", K::Boolean, 0, 0, "Reset every adapter's Adam moments and step count at each reallocation that moves ranks (the reference code)."),
         L1RA_FIELD(l1ra.resetOptimizer)},
    };
}

// The training loop: steps, batches, optimizer, schedule, precision, divergence.
std::vector<Binding> trainFields() {
    using K = FieldKind;
    return {
        {f("train.steps", K::Integer, 1, kBig, "Optimizer steps."), L1RA_FIELD(train.steps)},
        {f("train.batch_size", K::Integer, 1, 65536, "Sequences per micro-batch."), L1RA_FIELD(train.batchSize)},
        {f("train.seq_len", K::Integer, 2, 1 << 20, "Tokens per sequence (longer records are cut)."), L1RA_FIELD(train.seqLen)},
        {f("train.grad_accum", K::Integer, 1, 65536, "Micro-batches per optimizer step."), L1RA_FIELD(train.gradAccum)},
        {f("train.lr", K::Real, 0, 10, "Peak learning rate of A and B (cosine schedule).", true), L1RA_FIELD(train.lr)},
        {f("train.weight_decay", K::Real, 0, 10, "AdamW weight decay on A and B."), L1RA_FIELD(train.weightDecay)},
        {f("train.beta1", K::Real, 0, 0.999999, "Adam beta1."), L1RA_FIELD(train.beta1)},
        {f("train.beta2", K::Real, 0, 0.999999999, "Adam beta2."), L1RA_FIELD(train.beta2)},
        {f("train.eps", K::Real, 1e-30, 1, "Adam epsilon.", true), L1RA_FIELD(train.eps)},
        {f("train.warmup", K::Integer, 0, kBig, "Steps of linear warmup before the cosine decay."), L1RA_FIELD(train.warmup)},
        {f("train.min_lr_ratio", K::Real, 0, 1, "Final learning rate as a share of train.lr."), L1RA_FIELD(train.minLrRatio)},
        {f("train.max_grad_norm", K::Real, 0, 1e9, "Gradient clipping norm; 0 = no clipping."), L1RA_FIELD(train.maxGradNorm)},
        {f("train.precision", K::Choice, 0, 0, "auto: bf16 autocast where it is faster (CUDA, CPUs with bf16), else f32.", false,
           {"auto", "f32", "bf16"}),
         L1RA_FIELD(train.precision)},
        {f("train.gradient_checkpointing", K::Boolean, 0, 0,
           "Keep only each decoder layer's input and recompute its activations in the backward pass: far less memory, "
           "about a third more compute."),
         L1RA_FIELD(train.gradientCheckpointing)},
        {f("train.on_divergence", K::Choice, 0, 0,
           "A step whose loss or gradient is NaN or infinite: stop = end the run (the last good checkpoint stays); "
           "skip = drop the step (no update) and lower the learning rate by train.divergence_lr_factor.", false,
           {"stop", "skip"}),
         L1RA_FIELD(train.onDivergence)},
        {f("train.divergence_lr_factor", K::Real, 1e-6, 1, "train.on_divergence skip: the learning rate is multiplied by this at each skipped step."),
         L1RA_FIELD(train.divergenceLrFactor)},
        {f("train.divergence_max_skips", K::Integer, 1, 1000000, "train.on_divergence skip: the run stops after this many skipped steps in a row."),
         L1RA_FIELD(train.divergenceMaxSkips)},
    };
}

// Evaluation, samples, checkpoints and logs: what the run records as it goes.
std::vector<Binding> recordFields() {
    using K = FieldKind;
    return {
        {f("eval.every", K::Integer, 0, kBig, "Steps between validation passes; 0 = only at the end."), L1RA_FIELD(eval.every)},
        {f("eval.batches", K::Integer, 0, kBig, "Validation batches per pass; 0 = all."), L1RA_FIELD(eval.batches)},
        {f("eval.patience", K::Integer, 0, 1000000,
           "Early stopping: the run ends after this many evaluations in a row without a better validation loss, keeping "
           "the best checkpoint; 0 = never."),
         L1RA_FIELD(eval.patience)},
        {f("eval.min_delta", K::Real, 0, 1e9, "Early stopping: a validation loss counts as better when it is lower than the best by more than this."),
         L1RA_FIELD(eval.minDelta)},
        {f("samples.prompts", K::Texts, 0, 0,
           "Instructions the model answers with the adapter as it trains (formatted like the training data), shown in the "
           "log and the Samples panel and kept in samples.jsonl."),
         L1RA_FIELD(samples.prompts)},
        {f("samples.every", K::Integer, 0, kBig, "Steps between samples; 0 = only at the end."), L1RA_FIELD(samples.every)},
        {f("samples.max_new_tokens", K::Integer, 1, 4096, "Longest answer per prompt, in tokens."), L1RA_FIELD(samples.maxNewTokens)},
        {f("samples.temperature", K::Real, 0, 10, "Sampling temperature; 0 = greedy (the same answer for the same weights)."),
         L1RA_FIELD(samples.temperature)},
        {f("checkpoint.every", K::Integer, 0, kBig, "Steps between checkpoints; 0 = only on stop and at the end."), L1RA_FIELD(checkpoint.every)},
        {f("checkpoint.keep", K::Integer, 1, 100000, "Newest checkpoints kept on disk."), L1RA_FIELD(checkpoint.keep)},
        {f("checkpoint.keep_best", K::Boolean, 0, 0,
           "Also keep the checkpoint with the best validation loss (in best/, exported with --checkpoint best); always on "
           "with eval.patience."),
         L1RA_FIELD(checkpoint.keepBest)},
        {f("log.every", K::Integer, 1, kBig, "Steps between lines in metrics.jsonl."), L1RA_FIELD(log.every)},
        {f("logging.tensorboard", K::Boolean, 0, 0,
           "Also write the metrics and the rank heatmap at each reallocation to a TensorBoard event file in the run folder "
           "(events.out.tfevents.*)."),
         L1RA_FIELD(logging.tensorboard)},
    };
}

// Seed, device and threads.
std::vector<Binding> runtimeFields() {
    using K = FieldKind;
    return {
        {f("seed", K::Integer, 0, 0, "Seed for initialisation, data order and dropout."), L1RA_FIELD(seed)},
        {f("device", K::Text, 0, 0, "auto, cpu, cuda or cuda:N."), L1RA_FIELD(device)},
        {f("threads", K::Integer, 0, 4096, "CPU threads; 0 = all cores."), L1RA_FIELD(threads)},
    };
}

std::vector<Binding> makeBindings() {
    std::vector<Binding> b;
    for (auto section : {modelAndDataFields, adapterFields, l1raFields, trainFields, recordFields, runtimeFields}) {
        std::vector<Binding> rows = section();
        b.insert(b.end(), rows.begin(), rows.end());
    }
    RunConfig defaults;
    for (auto& binding : b) {
        std::visit([&](auto member) { binding.field.defaultJson = json(member(defaults)).dump(); }, binding.member);
    }
    return b;
}

const std::vector<Binding>& bindings() {
    static const std::vector<Binding> b = makeBindings();
    return b;
}

const Binding& binding(const std::string& key, const std::string& source) {
    for (const auto& b : bindings())
        if (b.field.key == key) return b;
    throw Error(source + ": unknown key '" + key + "'");
}

std::string numberText(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
}

// Assigns a JSON value to a field, checking type and range; errors name the key and the source.
void assign(RunConfig& c, const Binding& b, const json& v, const std::string& source) {
    const RunConfigField& f = b.field;
    auto bad = [&](const std::string& why) { return Error(source + ": '" + f.key + "' " + why); };
    auto checkRange = [&](double x) {
        if (std::isnan(x) || ((f.min != 0 || f.max != 0) && (x < f.min || x > f.max)))
            throw bad("is " + numberText(x) + ", outside [" + numberText(f.min) + ", " + numberText(f.max) + "]");
    };
    std::visit(
        [&](auto member) {
            using T = std::decay_t<decltype(member(c))>;
            if constexpr (std::is_same_v<T, int>) {
                if (!v.is_number_integer()) throw bad("must be an integer");
                const auto x = v.get<int64_t>();
                checkRange(double(x));
                if (x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max()) throw bad("is out of range");
                member(c) = int(x);
            } else if constexpr (std::is_same_v<T, uint64_t>) {
                if (!v.is_number_unsigned()) throw bad("must be a non-negative integer");
                member(c) = v.get<uint64_t>();
            } else if constexpr (std::is_same_v<T, double>) {
                if (!v.is_number()) throw bad("must be a number");
                const double x = v.get<double>();
                checkRange(x);
                member(c) = x;
            } else if constexpr (std::is_same_v<T, bool>) {
                if (!v.is_boolean()) throw bad("must be true or false");
                member(c) = v.get<bool>();
            } else if constexpr (std::is_same_v<T, std::string>) {
                if (!v.is_string()) throw bad("must be a string");
                const std::string s = v.get<std::string>();
                if (f.kind == FieldKind::Choice) {
                    bool ok = false;
                    std::string list;
                    for (const auto& choice : f.choices) {
                        ok = ok || s == choice;
                        list += (list.empty() ? "" : ", ") + choice;
                    }
                    if (!ok) throw bad("is '" + s + "', not one of " + list);
                }
                member(c) = s;
            } else if constexpr (std::is_same_v<T, Method>) {
                if (!v.is_string()) throw bad("must be a string");
                if (!parseMethod(v.get<std::string>(), &(member(c))))
                    throw bad("is '" + v.get<std::string>() + "', not one of l1ra, lora, full");
            } else {
                if (!v.is_array()) throw bad("must be a list");
                std::vector<std::string> items;
                std::set<std::string> seen;
                const bool texts = f.kind == FieldKind::Texts;
                for (const auto& item : v) {
                    if (!item.is_string()) throw bad(texts ? "must be a list of texts" : "must be a list of names");
                    const std::string s = item.get<std::string>();
                    if (texts) {
                        if (s.find_first_not_of(" \t\r\n") == std::string::npos) throw bad("holds an empty text");
                        items.push_back(s);
                        continue;
                    }
                    bool ok = f.choices.empty();
                    for (const auto& choice : f.choices) ok = ok || s == choice;
                    if (!ok) throw bad("contains '" + s + "', not a LLaMA projection");
                    if (!seen.insert(s).second) throw bad("names '" + s + "' twice");
                    items.push_back(s);
                }
                member(c) = items;
            }
        },
        b.member);
}

json valueOf(const RunConfig& c, const Binding& b) {
    // The accessors take a RunConfig& to serve reading and writing alike; this only reads.
    return std::visit([&](auto member) { return json(member(const_cast<RunConfig&>(c))); }, b.member);
}

const std::set<std::string>& sections() {
    static const std::set<std::string> s = {"data", "adapter", "l1ra", "train", "eval", "samples", "checkpoint", "log", "logging"};
    return s;
}

std::string resolvePath(const std::string& path, const std::string& baseDir) {
    if (path.empty() || baseDir.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (std::filesystem::path(baseDir) / path).lexically_normal().string();
}

RunConfig parseWithBase(const std::string& jsonText, const std::string& source, const std::string& baseDir) {
    json j;
    try {
        j = json::parse(jsonText);
    } catch (const std::exception& e) {
        throw Error(source + ": not valid JSON: " + e.what());
    }
    if (!j.is_object()) throw Error(source + ": a run config must be a JSON object");
    RunConfig c;
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (sections().count(it.key()) && it.value().is_object()) {
            for (auto inner = it.value().begin(); inner != it.value().end(); ++inner)
                assign(c, binding(it.key() + "." + inner.key(), source), inner.value(), source);
        } else if (it.key() == "model" && it.value().is_object()) {
            // {"model": {"path": DIR, "base_dtype": ...}}: the folder under "path", the other keys as model.*.
            for (auto inner = it.value().begin(); inner != it.value().end(); ++inner)
                assign(c, binding(inner.key() == "path" ? "model" : "model." + inner.key(), source), inner.value(), source);
        } else {
            assign(c, binding(it.key(), source), it.value(), source);
        }
    }
    for (std::string* p : {&c.model.path, &c.data.train, &c.data.val}) *p = resolvePath(*p, baseDir);
    return c;
}

}  // namespace

const std::vector<RunConfigField>& runConfigFields() {
    static const std::vector<RunConfigField> fields = [] {
        std::vector<RunConfigField> out;
        for (const auto& b : bindings()) out.push_back(b.field);
        return out;
    }();
    return fields;
}

RunConfig parseRunConfig(const std::string& jsonText, const std::string& source) { return parseWithBase(jsonText, source, ""); }

RunConfig loadRunConfig(const std::string& path) {
    // Relative paths inside a config file are relative to the file's folder.
    const std::string base = std::filesystem::absolute(path).parent_path().string();
    return parseWithBase(readTextFile(path), path, base);
}

std::string runConfigToJson(const RunConfig& config, int indent) {
    json j = json::object();
    for (const auto& b : bindings()) {
        const std::string& key = b.field.key;
        const auto dot = key.find('.');
        // A section that is also a key of its own (model) cannot be an object too: its keys stay flat.
        if (dot == std::string::npos || !sections().count(key.substr(0, dot))) j[key] = valueOf(config, b);
        else j[key.substr(0, dot)][key.substr(dot + 1)] = valueOf(config, b);
    }
    return j.dump(indent);
}

void setRunConfigValue(RunConfig& config, const std::string& key, const std::string& value) {
    const std::string source = "--set " + key;
    const Binding& b = binding(key, "--set");
    json v;
    switch (b.field.kind) {
        case FieldKind::Text:
        case FieldKind::Choice:
        case FieldKind::Path:
            v = value;   // plain text, no quotes needed
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') v = json::parse(value, nullptr, false);
            if (v.is_discarded()) v = value;
            // A path given on the command line is relative to the current folder: store it absolute.
            // Command-line bytes, unlike JSON files, are not checked for UTF-8 on the way in; JSON output needs it.
            try {
                (void)v.dump();
            } catch (const json::type_error&) {
                throw Error("--set " + key + ": the value is not valid UTF-8");
            }
            if (b.field.kind == FieldKind::Path && !v.get<std::string>().empty())
                v = std::filesystem::absolute(v.get<std::string>()).lexically_normal().string();
            break;
        case FieldKind::Texts:
            // A JSON list of texts, or one text (commas are part of a prompt, not separators).
            if (!value.empty() && value.front() == '[') {
                v = json::parse(value, nullptr, false);
                if (v.is_discarded()) throw Error("--set " + key + ": '" + value + "' is not a JSON list");
            } else {
                v = value.empty() ? json::array() : json::array({value});
                try {
                    (void)v.dump();
                } catch (const json::type_error&) {
                    throw Error("--set " + key + ": the value is not valid UTF-8");
                }
            }
            break;
        case FieldKind::TextList:
            if (!value.empty() && value.front() == '[') {
                v = json::parse(value, nullptr, false);
                if (v.is_discarded()) throw Error("--set " + key + ": '" + value + "' is not a JSON list");
            } else {
                v = json::array();
                std::stringstream ss(value);
                std::string item;
                while (std::getline(ss, item, ',')) {
                    if (item == "all") {
                        for (const auto& p : projectionNames()) v.push_back(p);
                    } else if (!item.empty()) {
                        v.push_back(item);
                    }
                }
            }
            break;
        default:
            v = json::parse(value, nullptr, false);
            if (v.is_discarded()) throw Error("--set " + key + ": '" + value + "' is not a valid value");
    }
    assign(config, b, v, "--set");
}

void applyRunConfigAssignment(RunConfig& config, const std::string& assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("--set expects key=value, got '" + assignment + "'");
    setRunConfigValue(config, assignment.substr(0, eq), assignment.substr(eq + 1));
}

std::string runConfigValue(const RunConfig& config, const std::string& key) {
    return valueOf(config, binding(key, "run config")).dump();
}

void validateRunConfig(const RunConfig& c) {
    // Re-check every field's range (a struct filled in code may not have gone through the parser).
    for (const auto& b : bindings()) {
        RunConfig scratch;
        assign(scratch, b, valueOf(c, b), "run config");
    }
    if (c.model.path.empty()) throw Error("run config: 'model' is empty: choose a model folder");
    if (c.data.train.empty()) throw Error("run config: 'data.train' is empty: choose a training data file");
    if (c.method != Method::Full && c.adapter.targets.empty()) throw Error("run config: 'adapter.targets' is empty: choose at least one projection");
    if (c.data.val.empty() && c.data.valFraction <= 0 && c.eval.every > 0)
        throw Error("run config: 'data.val_fraction' is 0 and no 'data.val' is given, but 'eval.every' asks for evaluation");
    if (c.device != "auto" && c.device != "cpu" && c.device.rfind("cuda", 0) != 0)
        throw Error("run config: 'device' is '" + c.device + "', not one of auto, cpu, cuda, cuda:N");
    if (c.eval.patience > 0 && c.eval.every == 0)
        throw Error("run config: 'eval.patience' is " + std::to_string(c.eval.patience) +
                    ", but 'eval.every' is 0 (evaluation only at the end): early stopping needs evaluations during the run");
    if (c.eval.patience > 0 && c.data.val.empty() && c.data.valFraction <= 0)
        throw Error("run config: 'eval.patience' asks for early stopping, but there is no validation data ('data.val' is empty and "
                    "'data.val_fraction' is 0)");
    if (c.checkpoint.keepBest && c.data.val.empty() && c.data.valFraction <= 0)
        throw Error("run config: 'checkpoint.keep_best' needs validation data ('data.val' is empty and 'data.val_fraction' is 0)");
    if (c.method == Method::Full && c.model.baseDtype != "bf16")
        throw Error("run config: 'model.base_dtype' is '" + c.model.baseDtype +
                    "', but method 'full' trains the base weights themselves: a quantised base needs adapters "
                    "(method lora or l1ra), or base_dtype bf16");
}

int effectiveUpdateInterval(const RunConfig& c) {
    if (c.l1ra.updateInterval > 0) return c.l1ra.updateInterval;
    return std::max(1, int(std::lround(c.train.steps * c.l1ra.intervalShare)));
}

double effectiveThreshold(const RunConfig& c, double lambda) {
    if (c.l1ra.threshold >= 0) return c.l1ra.threshold;
    const double rate = c.l1ra.thresholdRule == "lr" ? c.train.lr : c.l1ra.etaC;
    return rate * lambda + 1e-6;
}

double effectiveThreshold(const RunConfig& c) { return effectiveThreshold(c, c.l1ra.lambda); }

bool reallocatesAfterStep(const RunConfig& c, int64_t step) {
    if (c.method != Method::L1RA || step <= 0 || step >= c.train.steps || step % effectiveUpdateInterval(c) != 0) return false;
    const int64_t first = std::llround(c.l1ra.warmupShare * c.train.steps);
    const int64_t last = c.train.steps - std::llround(c.l1ra.cooldownShare * c.train.steps);
    return step >= first && step <= last;
}

bool shrinksAtStep(const RunConfig& c, int64_t step) {
    if (c.l1ra.cooldownShare <= 0 || c.l1ra.cooldownShrink) return true;
    return step <= c.train.steps - std::llround(c.l1ra.cooldownShare * c.train.steps);
}

int64_t nextReallocationStep(const RunConfig& c, int64_t step) {
    for (int64_t s = step + 1; s < c.train.steps; ++s)
        if (reallocatesAfterStep(c, s)) return s;
    return 0;
}

int maxPrunedPerReallocation(const RunConfig& c, int budget) {
    if (c.l1ra.maxMoveShare >= 1) return -1;
    return int(std::floor(c.l1ra.maxMoveShare * budget));
}

bool keepsBestCheckpoint(const RunConfig& c) { return c.checkpoint.keepBest || c.eval.patience > 0; }

bool samplesAfterStep(const RunConfig& c, int64_t step) {
    if (c.samples.prompts.empty() || step <= 0) return false;
    return step >= c.train.steps || (c.samples.every > 0 && step % c.samples.every == 0);
}

static std::string shellQuote(const std::string& s) {
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/:=+@") == std::string::npos)
        return s;
    std::string out = "'";
    for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

std::string trainCommandLine(const RunConfig& config, const std::string& outDir) {
    std::string cmd = "l1ra train";
    if (!outDir.empty()) cmd += " --out " + shellQuote(outDir);
    const RunConfig defaults;
    for (const auto& b : bindings()) {
        const json v = valueOf(config, b);
        if (v == valueOf(defaults, b)) continue;
        std::string text;
        if (v.is_string()) text = v.get<std::string>();
        else if (b.field.kind == FieldKind::Texts) text = v.dump();   // --set takes the JSON list as it is
        else if (v.is_array()) {
            for (const auto& item : v) text += (text.empty() ? "" : ",") + item.get<std::string>();
        } else text = v.dump();
        cmd += " --set " + shellQuote(b.field.key + "=" + text);
    }
    return cmd;
}

}  // namespace l1ra
