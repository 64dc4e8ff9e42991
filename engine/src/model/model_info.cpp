#include "l1ra/model_info.h"

#include "io/model_folder.h"
#include "l1ra/error.h"
#include "l1ra/text_tokenizer.h"
#include "text/chat_family.h"
#include "text/model_chat_template.h"

#include <nlohmann/json.hpp>

#include <set>

namespace l1ra {

namespace {

// The tokenizer and chat template, for the summary: their problems are reported, never thrown.
void readTextSide(const std::string& dir, ModelInfo& info) {
    if (!info.tokenizer.empty()) {
        // A summary should not fail on the tokenizer alone; loading the model for use still does.
        try {
            const auto tokenizer = loadTokenizer(dir);
            info.tokenizerVocab = tokenizer->vocabSize();
            info.tokenizerKind = tokenizer->kind();
        } catch (const Error& e) {
            info.tokenizerError = e.what();
        }
    }
    try {
        const ModelChatTemplate chat = readModelChatTemplate(dir);
        if (!chat.text.empty()) {
            info.chatTemplate = chatFamilyName(recognizeChatFamily(chat.text));
            info.chatTemplateOrigin = chat.origin;
        }
    } catch (const Error& e) {
        info.chatTemplateError = e.what();
    }
}

}  // namespace

ModelInfo inspectModel(const std::string& path, bool readTokenizer) {
    ModelFolder folder(path);
    const std::string& dir = folder.dir();
    const LlamaConfig& c = folder.config();
    ModelInfo info;
    info.path = dir;
    info.modelType = c.modelType;
    info.architecture = c.architecture;
    info.vocabSize = c.vocabSize;
    info.hiddenSize = c.hiddenSize;
    info.intermediateSize = c.intermediateSize;
    info.numLayers = c.numLayers;
    info.numHeads = c.numHeads;
    info.numKvHeads = c.numKvHeads;
    info.headDim = c.headDim;
    info.maxPositions = c.maxPositions;
    info.rmsNormEps = c.rmsNormEps;
    info.ropeTheta = c.ropeTheta;
    info.ropeScaling = c.ropeScaling;
    info.slidingWindow = c.slidingWindow;
    info.tiedEmbeddings = c.tiedEmbeddings;
    info.bosId = c.bosId;
    info.eosId = c.eosId;
    info.eosIds = endOfSequenceIds(folder);
    info.weightFiles = folder.weightFiles();
    std::set<std::string> dtypes;
    for (const auto& [name, shape] : ModelFolder::expectedShapes(c)) {
        const TensorView& v = folder.tensor(name);
        info.parameters += v.numel();
        dtypes.insert(dtypeName(v.dtype));
    }
    info.storedDtype = dtypes.size() == 1 ? *dtypes.begin() : "mixed";
    info.tokenizer = tokenizerFileIn(dir);
    if (readTokenizer) readTextSide(dir, info);
    return info;
}

std::string modelInfoToJson(const ModelInfo& info, int indent) {
    nlohmann::json j = {
        {"path", info.path},
        {"model_type", info.modelType},
        {"architecture", info.architecture},
        {"layers", info.numLayers},
        {"hidden_size", info.hiddenSize},
        {"intermediate_size", info.intermediateSize},
        {"heads", info.numHeads},
        {"kv_heads", info.numKvHeads},
        {"head_dim", info.headDim},
        {"vocab_size", info.vocabSize},
        {"max_positions", info.maxPositions},
        {"rms_norm_eps", info.rmsNormEps},
        {"rope_theta", info.ropeTheta},
        {"rope_scaling", info.ropeScaling},
        {"sliding_window", info.slidingWindow},
        {"tied_embeddings", info.tiedEmbeddings},
        {"dtype", info.storedDtype},
        {"parameters", info.parameters},
        {"weight_files", info.weightFiles},
        {"bos_token_id", info.bosId},
        {"eos_token_id", info.eosId},
        {"eos_token_ids", info.eosIds},
        {"tokenizer", info.tokenizer.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.tokenizer)},
        {"tokenizer_vocab", info.tokenizerVocab},
        {"tokenizer_kind", info.tokenizerKind.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.tokenizerKind)},
    };
    if (!info.tokenizerError.empty()) j["tokenizer_error"] = info.tokenizerError;
    j["chat_template"] = info.chatTemplate.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.chatTemplate);
    if (!info.chatTemplateOrigin.empty()) j["chat_template_origin"] = info.chatTemplateOrigin;
    if (!info.chatTemplateError.empty()) j["chat_template_error"] = info.chatTemplateError;
    return j.dump(indent);
}

}  // namespace l1ra
