#include "io/adapter_files.h"

#include "l1ra/error.h"
#include "l1ra/run_config.h"

#include <algorithm>
#include <climits>
#include <regex>
#include <vector>

namespace l1ra {

using nlohmann::json;

namespace {

bool startsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }
bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Decimal digits only, as an int; false when empty, not digits or too large.
bool parseLayerNumber(const std::string& digits, int* out) {
    if (digits.empty()) return false;
    long long value = 0;
    for (char ch : digits) {
        if (ch < '0' || ch > '9') return false;
        value = value * 10 + (ch - '0');
        if (value > INT_MAX) return false;
    }
    *out = int(value);
    return true;
}

// Whether a quantifier is applied to something that is itself repeated: "a**", "(a*)+", "(b+|c)*". libstdc++'s
// std::regex backtracks, and such patterns take exponential time on a near match (a hang: docs/reliability.md).
bool nestsQuantifiers(const std::string& pattern) {
    auto isQuantifier = [](char c) { return c == '*' || c == '+' || c == '{'; };
    std::vector<bool> groupRepeats{false};   // per open group: holds a quantifier
    bool lastRepeated = false;               // the previous atom carries a quantifier
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\') {
            ++i;
            lastRepeated = false;
            continue;
        }
        if (isQuantifier(c) || (c == '?' && !lastRepeated)) {
            if (lastRepeated) return true;
            lastRepeated = true;
            groupRepeats.back() = true;
            if (c == '{') i = std::min(pattern.find('}', i), pattern.size());
            continue;
        }
        if (c == '?') continue;   // lazy form of the quantifier just read
        if (c == '(') {
            groupRepeats.push_back(false);
        } else if (c == ')' && groupRepeats.size() > 1) {
            const bool inner = groupRepeats.back();
            groupRepeats.pop_back();
            const char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
            if (inner && (isQuantifier(next) || next == '?')) return true;
            if (inner) groupRepeats.back() = true;
        }
        lastRepeated = false;
    }
    return false;
}

// std::regex compiles and matches recursively: a deeply nested or hugely repeated pattern exhausts the stack
// (a crash: docs/reliability.md, findings). Real keys are module names and alternations, far inside these limits.
bool safeAsRegex(const std::string& pattern) {
    if (pattern.size() > 256 || nestsQuantifiers(pattern)) return false;
    int braces = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '{') continue;
        if (++braces > 2) return false;
        long bound = 0;
        for (std::size_t k = i + 1; k < pattern.size() && pattern[k] != '}'; ++k) {
            if (pattern[k] == ',') bound = 0;
            else if (pattern[k] >= '0' && pattern[k] <= '9' && (bound = bound * 10 + (pattern[k] - '0')) > 64) return false;
        }
    }
    return true;
}

// peft matches rank_pattern / alpha_pattern keys as regular expressions against the end of a module name; a key
// that is not a usable regular expression is compared as a plain name.
const json* patternValue(const json& patterns, const std::string& module) {
    if (!patterns.is_object()) return nullptr;
    for (auto it = patterns.begin(); it != patterns.end(); ++it) {
        try {
            if (!safeAsRegex(it.key())) throw std::regex_error(std::regex_constants::error_complexity);
            if (std::regex_match(module, std::regex("(.*\\.)?(" + it.key() + ")"))) return &it.value();
        } catch (const std::regex_error&) {
            if (module == it.key() || (module.size() > it.key().size() &&
                                       module.compare(module.size() - it.key().size() - 1, std::string::npos, "." + it.key()) == 0))
                return &it.value();
        }
    }
    return nullptr;
}

bool flag(const json& c, const char* key, const std::string& source) {
    if (!c.contains(key) || c[key].is_null()) return false;
    if (!c[key].is_boolean()) throw Error(source + ": '" + key + "' must be true or false");
    return c[key].get<bool>();
}

// "base_model.model.<module>.lora_A[.default].weight" -> module and whether it is A; false for other names.
bool parsePeftTensorName(const std::string& name, std::string* module, bool* isA) {
    const std::string prefix = "base_model.model.", suffix = ".weight";
    if (!startsWith(name, prefix) || !endsWith(name, suffix) || name.size() < prefix.size() + suffix.size()) return false;
    std::string rest = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (endsWith(rest, ".default") && (endsWith(rest.substr(0, rest.size() - 8), ".lora_A") ||
                                       endsWith(rest.substr(0, rest.size() - 8), ".lora_B")))
        rest.resize(rest.size() - 8);
    if (!endsWith(rest, ".lora_A") && !endsWith(rest, ".lora_B")) return false;
    *isA = endsWith(rest, ".lora_A");
    *module = rest.substr(0, rest.size() - 7);
    return !module->empty();
}

}  // namespace

bool parseModuleName(const std::string& module, int* layer, int* projection) {
    const std::string prefix = "model.layers.";
    if (!startsWith(module, prefix)) return false;
    const auto dot = module.find('.', prefix.size());
    if (dot == std::string::npos) return false;
    int number = 0;
    if (!parseLayerNumber(module.substr(prefix.size(), dot - prefix.size()), &number)) return false;
    const std::string rest = module.substr(dot + 1);   // "self_attn.q_proj"
    const auto& names = projectionNames();
    for (std::size_t p = 0; p < names.size(); ++p) {
        const bool attention = p <= 3;
        if (rest == std::string(attention ? "self_attn." : "mlp.") + names[p]) {
            *layer = number;
            *projection = int(p);
            return true;
        }
    }
    return false;
}

int PeftAdapterConfig::rankFor(const std::string& module) const {
    const json* rp = patternValue(rankPattern, module);
    return rp && rp->is_number_integer() ? rp->get<int>() : rank;
}

double PeftAdapterConfig::alphaFor(const std::string& module) const {
    const json* ap = patternValue(alphaPattern, module);
    return ap && ap->is_number() ? ap->get<double>() : alpha;
}

PeftAdapterConfig parsePeftAdapterConfig(const std::string& jsonText, const std::string& source) {
    json c;
    try {
        c = json::parse(jsonText);
    } catch (const json::exception& e) {
        throw Error(source + ": not valid JSON: " + e.what());
    }
    auto refuse = [&](const std::string& why) { return Error(source + ": " + why); };
    if (!c.is_object()) throw refuse("not a JSON object");
    const std::string type = c.contains("peft_type") && c["peft_type"].is_string() ? c["peft_type"].get<std::string>() : "";
    if (type != "LORA") throw refuse("peft_type '" + type + "' is not supported (only LORA)");
    if (flag(c, "use_dora", source)) throw refuse("DoRA adapters (use_dora) are not supported");
    if (c.contains("bias") && c["bias"].is_string() && c["bias"].get<std::string>() != "none")
        throw refuse("bias training ('bias': '" + c["bias"].get<std::string>() + "') is not supported");
    if (c.contains("modules_to_save") && !c["modules_to_save"].is_null() && !c["modules_to_save"].empty())
        throw refuse("modules_to_save is not supported (the adapter also replaces whole modules)");
    if (c.contains("layers_to_transform") && !c["layers_to_transform"].is_null())
        throw refuse("layers_to_transform is not supported");
    if (flag(c, "fan_in_fan_out", source)) throw refuse("fan_in_fan_out is not supported for LLaMA");
    if (!c.contains("r") || !c["r"].is_number_integer() || c["r"].get<int64_t>() < 1 || c["r"].get<int64_t>() > INT_MAX)
        throw refuse("'r' must be a positive integer");
    if (!c.contains("lora_alpha") || !c["lora_alpha"].is_number()) throw refuse("'lora_alpha' is missing");
    PeftAdapterConfig config;
    config.rank = c["r"].get<int>();
    config.alpha = c["lora_alpha"].get<double>();
    config.rslora = flag(c, "use_rslora", source);
    if (c.contains("rank_pattern")) config.rankPattern = c["rank_pattern"];
    if (c.contains("alpha_pattern")) config.alphaPattern = c["alpha_pattern"];
    return config;
}

std::map<std::string, PeftModuleTensors> peftModuleTensors(const SafetensorsFile& file) {
    const std::string& weights = file.path();
    std::map<std::string, PeftModuleTensors> modules;
    for (const auto& [name, view] : file.tensors()) {
        std::string module;
        bool isA = false;
        if (!parsePeftTensorName(name, &module, &isA)) {
            if (name.find("lora_magnitude_vector") != std::string::npos) throw Error(weights + ": DoRA weights ('" + name + "') are not supported");
            if (name.find("lora_embedding") != std::string::npos) throw Error(weights + ": embedding adapters ('" + name + "') are not supported");
            throw Error(weights + ": unexpected tensor '" + name + "' (only LoRA A/B weights of LLaMA projections are supported)");
        }
        auto& slot = modules[module];
        (isA ? slot.A : slot.B) = &view;
    }
    for (const auto& [module, ab] : modules) {
        int layer = 0, projection = 0;
        if (!parseModuleName(module, &layer, &projection))
            throw Error(weights + ": '" + module + "' is not a LLaMA projection (q/k/v/o/gate/up/down_proj)");
        if (!ab.A || !ab.B) throw Error(weights + ": " + module + " has only one of lora_A and lora_B");
        if (ab.A->shape.size() != 2 || ab.B->shape.size() != 2 || ab.A->shape[0] != ab.B->shape[1])
            throw Error(weights + ": " + module + ": lora_A and lora_B must be matrices [rank, in] and [out, rank]");
    }
    return modules;
}

}  // namespace l1ra
