#include "model/language_model_impl.h"

#include "model/generation.h"
#include "l1ra/error.h"
#include "l1ra/model_location.h"
#include "l1ra/runtime.h"
#include "io/tensor_io.h"

#include <algorithm>

namespace l1ra {

torch::ScalarType chooseComputeDtype(const std::string& requested, const std::string& device) {
    const bool cuda = device.rfind("cuda", 0) == 0;
    if (requested.empty() || requested == "auto") return cuda ? torch::kBFloat16 : torch::kFloat32;
    const auto t = parseComputeDtype(requested);
    if (t == torch::kFloat16 && !cuda) throw Error("dtype f16 is not supported on the CPU; use f32 or bf16");
    return t;
}

std::unique_ptr<LanguageModel> LanguageModel::load(const std::string& path, const LoadOptions& options) {
    const std::string dir = resolveModelFolder(path);
    auto impl = std::make_unique<Impl>();
    impl->info = inspectModel(dir, /*readTokenizer=*/false);   // the tokenizer is loaded once, below
    impl->device = resolveDevice(options.device);
    impl->dtype = chooseComputeDtype(options.dtype, impl->device);
    {
        ModelFolder folder(dir);
        impl->model = std::make_unique<LlamaModel>(folder, torch::Device(impl->device), impl->dtype, baseWeightFormat(options.baseDtype));
    }
    // A build without sentencepiece (e.g. against a pip LibTorch) still runs on token ids; text fails when asked.
    if (!impl->info.tokenizer.empty()) {
        impl->tokenizerProblem = tokenizerSupportProblem(impl->info.tokenizer);
        if (impl->tokenizerProblem.empty()) {
            impl->tokenizer = loadTokenizer(dir);
            impl->info.tokenizerVocab = impl->tokenizer->vocabSize();
            impl->info.tokenizerKind = impl->tokenizer->kind();
        }
    }
    impl->stopIds = impl->info.eosIds;
    if (impl->tokenizer) impl->addStopId(impl->tokenizer->eosId());
    if (!options.adapter.empty()) impl->loadAdapter(options.adapter);
    impl->choosePromptFormat(dir, options);
    return std::unique_ptr<LanguageModel>(new LanguageModel(std::move(impl)));
}

void LanguageModel::Impl::addStopId(int64_t id) {
    if (id >= 0 && std::find(stopIds.begin(), stopIds.end(), id) == stopIds.end()) stopIds.push_back(id);
}

void LanguageModel::Impl::choosePromptFormat(const std::string& dir, const LoadOptions& options) {
    // Without a tokenizer there is no text to format; ids still work.
    if (!tokenizer) {
        prompts = plainPromptFormat();
        return;
    }
    std::string choice = options.chatTemplate;
    if (choice.empty()) choice = trainedTemplateChoice(options.adapter.empty() ? dir : options.adapter);
    ResolvedPromptFormat resolved = resolvePromptFormat(dir, choice.empty() ? "auto" : choice, *tokenizer);
    prompts = std::move(resolved.format);
    promptWarning = resolved.warning;
    for (const auto& token : prompts->endOfTurnTokens()) addStopId(tokenizer->tokenId(token));
}

LanguageModel::LanguageModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LanguageModel::~LanguageModel() = default;

const ModelInfo& LanguageModel::info() const { return impl_->info; }
std::string LanguageModel::device() const { return impl_->device; }
std::string LanguageModel::dtype() const { return dtypeLabel(impl_->dtype); }
bool LanguageModel::hasTokenizer() const { return impl_->tokenizer != nullptr; }
std::shared_ptr<const Tokenizer> LanguageModel::tokenizer() const { return impl_->tokenizer; }
const std::vector<int64_t>& LanguageModel::stopIds() const { return impl_->stopIds; }
bool LanguageModel::isStop(int64_t id) const {
    return std::find(impl_->stopIds.begin(), impl_->stopIds.end(), id) != impl_->stopIds.end();
}

std::string LanguageModel::noTokenizer() const {
    if (!impl_->tokenizerProblem.empty()) return impl_->info.tokenizer + " cannot be used: " + impl_->tokenizerProblem;
    return impl_->info.path + ": no tokenizer.json or tokenizer.model in the model folder";
}

std::vector<int64_t> LanguageModel::encode(const std::string& text, bool addSpecialTokens) const {
    if (!impl_->tokenizer) throw Error(noTokenizer() + "; give token ids instead");
    return impl_->tokenizer->encode(text, addSpecialTokens);
}

std::string LanguageModel::promptFormat() const { return impl_->prompts->description(); }
std::string LanguageModel::promptFormatWarning() const { return impl_->promptWarning; }

std::string LanguageModel::instructionPrompt(const std::string& instruction, const std::string& input) const {
    return impl_->prompts->instructionPrompt(instruction, input);
}

std::string LanguageModel::chatPrompt(const std::vector<ChatMessage>& messages) const {
    return impl_->prompts->prompt(messages);
}

std::vector<int64_t> LanguageModel::encodePrompt(const std::string& promptText) const {
    return encode(promptText, impl_->prompts->tokenizerAddsSpecialTokens());
}

std::string LanguageModel::decode(const std::vector<int64_t>& ids) const {
    if (!impl_->tokenizer) throw Error(noTokenizer());
    return impl_->tokenizer->decode(ids);
}

std::vector<float> LanguageModel::logits(const std::vector<int64_t>& ids) const {
    const int64_t vocab = impl_->info.vocabSize;
    if (ids.empty()) throw Error("no token ids given");
    for (auto id : ids)
        if (id < 0 || id >= vocab) throw Error("token id " + std::to_string(id) + " is outside the vocabulary (" + std::to_string(vocab) + ")");
    torch::NoGradGuard noGrad;
    auto input = torch::tensor(ids, torch::kInt64).unsqueeze(0);
    auto out = impl_->model->forward(input, nullptr, impl_->adapterHook()).squeeze(0).to(torch::kFloat32).to(torch::kCPU).contiguous();
    return std::vector<float>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
}

std::vector<int64_t> LanguageModel::generate(const std::vector<int64_t>& prompt, const GenerationOptions& options,
                                             const std::function<bool(int64_t)>& onToken) const {
    return generateTokens(*impl_->model, impl_->adapterHook(), prompt, options, impl_->stopIds, onToken);
}

}  // namespace l1ra
