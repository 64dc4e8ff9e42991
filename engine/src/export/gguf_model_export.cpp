// The merged model as a llama.cpp model GGUF with its tokenizer (docs/exports.md, "GGUF model").
#include "l1ra/adapter_export.h"

#include "export/export_source.h"
#include "io/file_util.h"
#include "export/gguf_export_support.h"
#include "l1ra/error.h"
#include "io/model_folder.h"
#include "text/gguf_vocabulary.h"
#include "l1ra/projections.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>

namespace l1ra {

namespace {

using gguf::TensorType;

// llama.cpp's general.file_type (llama_ftype) for a model whose matrices are all of `type`.
uint32_t fileType(TensorType type) {
    switch (type) {
    case TensorType::F32: return 0;
    case TensorType::F16: return 1;
    case TensorType::Q8_0: return 7;
    case TensorType::BF16: return 32;
    }
    return 0;
}

void writeHyperparameters(gguf::Writer& w, const LlamaConfig& c, const std::string& arch) {
    w.addUInt32(arch + ".vocab_size", uint32_t(c.vocabSize));
    w.addUInt32(arch + ".context_length", uint32_t(c.maxPositions));
    w.addUInt32(arch + ".embedding_length", uint32_t(c.hiddenSize));
    w.addUInt32(arch + ".block_count", uint32_t(c.numLayers));
    w.addUInt32(arch + ".feed_forward_length", uint32_t(c.intermediateSize));
    w.addUInt32(arch + ".attention.head_count", uint32_t(c.numHeads));
    w.addUInt32(arch + ".attention.head_count_kv", uint32_t(c.numKvHeads));
    w.addUInt32(arch + ".attention.key_length", uint32_t(c.headDim));
    w.addUInt32(arch + ".attention.value_length", uint32_t(c.headDim));
    w.addFloat32(arch + ".attention.layer_norm_rms_epsilon", float(c.rmsNormEps));
    w.addUInt32(arch + ".rope.dimension_count", uint32_t(c.headDim));
    w.addFloat32(arch + ".rope.freq_base", float(c.ropeTheta));
    if (c.ropeScaling == "linear") {
        w.addString(arch + ".rope.scaling.type", "linear");
        w.addFloat32(arch + ".rope.scaling.factor", float(c.ropeFactor));
    }
}

void writeTokenizer(gguf::Writer& w, const text::GgufVocabulary& v, const std::string& modelDir) {
    w.addString("tokenizer.ggml.model", v.model);
    if (!v.pre.empty()) w.addString("tokenizer.ggml.pre", v.pre);
    w.addStringArray("tokenizer.ggml.tokens", v.tokens);
    if (!v.scores.empty()) w.addFloat32Array("tokenizer.ggml.scores", v.scores);
    w.addInt32Array("tokenizer.ggml.token_type", v.types);
    if (!v.merges.empty()) w.addStringArray("tokenizer.ggml.merges", v.merges);
    if (v.bos >= 0) w.addUInt32("tokenizer.ggml.bos_token_id", uint32_t(v.bos));
    if (v.eos >= 0) w.addUInt32("tokenizer.ggml.eos_token_id", uint32_t(v.eos));
    if (v.unknown >= 0) w.addUInt32("tokenizer.ggml.unknown_token_id", uint32_t(v.unknown));
    w.addBool("tokenizer.ggml.add_bos_token", v.addBos);
    const std::string config = modelDir + "/tokenizer_config.json";
    if (!fileExists(config)) return;
    const auto j = nlohmann::json::parse(readTextFile(config), nullptr, false);
    if (j.is_object() && j.contains("chat_template") && j["chat_template"].is_string())
        w.addString("tokenizer.chat_template", j["chat_template"].get<std::string>());
}

// HF tensor name -> llama.cpp's ("" for none), and the projection index of q..down weights and biases (-1 else).
std::string ggufTensorName(const std::string& hf, int* projection) {
    static const std::regex layer(R"(model\.layers\.(\d+)\.(\w+)\.(\w+)\.(weight|bias))");
    static const std::regex norm(R"(model\.layers\.(\d+)\.(input_layernorm|post_attention_layernorm)\.weight)");
    *projection = -1;
    if (hf == "model.embed_tokens.weight") return "token_embd.weight";
    if (hf == "model.norm.weight") return "output_norm.weight";
    if (hf == "lm_head.weight") return "output.weight";
    std::smatch m;
    if (std::regex_match(hf, m, norm)) return "blk." + m[1].str() + (m[2] == "input_layernorm" ? ".attn_norm.weight" : ".ffn_norm.weight");
    if (!std::regex_match(hf, m, layer)) return {};
    for (int p = 0; p < kProjectionCount; ++p)
        if (m[3] == kProjectionNames[p]) {
            *projection = p;
            return "blk." + m[1].str() + "." + kGgufProjections[p] + "." + m[4].str();
        }
    return {};
}

// Vectors stay F32 as llama.cpp's converter keeps them; Q8_0 needs rows of a multiple of 32 (else F16).
TensorType storedType(const torch::Tensor& t, TensorType wanted) {
    if (t.dim() < 2) return TensorType::F32;
    if (wanted == TensorType::Q8_0 && t.size(-1) % 32 != 0) return TensorType::F16;
    return wanted;
}

// Llama 3.1's rope_scaling as llama.cpp takes it: a per-frequency divisor in the tensor rope_freqs.weight.
torch::Tensor llama3RopeFactors(const LlamaConfig& c) {
    LlamaConfig plain = c;
    plain.ropeScaling = "none";
    return ropeInverseFrequencies(plain) / ropeInverseFrequencies(c);   // [hd/2]
}

}  // namespace

std::string exportGgufModel(const std::string& runDir, const std::string& outFile, const ExportOptions& options) {
    const TensorType type = parseGgufType(options.dtype, "f16", {"f16", "bf16", "q8_0", "f32"}, "gguf");
    const ExportSource s = resolveExportSource(runDir, options);
    checkGgufTarget(outFile, options.force);
    const ModelFolder folder(s.config.model.path);
    const LlamaConfig& c = folder.config();
    const text::GgufVocabulary vocabulary = text::readGgufVocabulary(folder.dir(), c.vocabSize);
    torch::NoGradGuard noGrad;
    std::string note;
    const auto model = loadMergedModel(s, folder, options.dtype.empty() ? "f16" : options.dtype, &note);
    const std::string arch = ggufArchitecture(c);
    gguf::Writer w;
    w.addString("general.architecture", arch);
    w.addString("general.type", "model");
    w.addString("general.name", std::filesystem::path(s.runDir).filename().string());
    w.addUInt32("general.file_type", fileType(type));
    writeHyperparameters(w, c, arch);
    writeTokenizer(w, vocabulary, folder.dir());
    if (c.ropeScaling == "llama3") addGgufTensor(w, "rope_freqs.weight", llama3RopeFactors(c), TensorType::F32);
    for (const auto& [name, t] : model->hfTensors()) {
        int projection = -1;
        const std::string gguf = ggufTensorName(name, &projection);
        if (gguf.empty()) throw Error("internal: no GGUF name for " + name);
        torch::Tensor stored = t;
        if (const int64_t heads = projection >= 0 ? ropeHeads(c, projection) : 0) stored = permuteForPairRope(t, heads);
        addGgufTensor(w, gguf, stored, storedType(stored, type));
    }
    w.write(outFile);
    return note;
}

}  // namespace l1ra
