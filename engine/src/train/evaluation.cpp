#include "l1ra/evaluation.h"

#include "text/data_records.h"
#include "kernels/cross_entropy.h"
#include "l1ra/error.h"
#include "model/language_model_impl.h"
#include "text/token_dataset.h"

#include <cmath>

namespace l1ra {

EvaluationResult evaluateModel(const std::string& modelDir, const std::string& dataFile, const EvaluationOptions& options) {
    if (options.batchSize < 1) throw Error("batch size must be at least 1");
    LoadOptions load;
    load.device = options.device;
    load.dtype = options.dtype;
    load.adapter = options.adapter;
    load.chatTemplate = options.chatTemplate;
    load.baseDtype = options.baseDtype;
    auto model = LanguageModel::load(modelDir, load);
    auto& impl = model->impl();
    if (!impl.tokenizer) throw Error(modelDir + ": no tokenizer.json or tokenizer.model; evaluation needs the model's tokenizer");
    EvaluationResult result;
    const auto records = readDataRecords(dataFile, options.format, &result.format, impl.prompts.get());
    const TokenDataset data = tokenizeRecords(records, *impl.tokenizer, options.seqLen);
    result.sequences = int64_t(data.sequences.size());
    torch::NoGradGuard noGrad;
    double sum = 0;
    const int64_t n = result.sequences;
    const int64_t pad = impl.tokenizer->eosId() >= 0 ? impl.tokenizer->eosId() : 0;
    int batches = 0;
    for (int64_t first = 0; first < n; first += options.batchSize) {
        if (options.maxBatches > 0 && batches++ >= options.maxBatches) break;
        std::vector<int64_t> idx;
        for (int64_t i = first; i < std::min(n, first + options.batchSize); ++i) idx.push_back(i);
        const Batch b = makeBatch(data, idx, pad);
        auto ids = torch::tensor(b.ids, torch::kInt64).view({b.rows, b.cols});
        auto labels = torch::tensor(b.labels, torch::kInt64).to(impl.model->device());
        auto logits = impl.model->forward(ids, nullptr, impl.adapterHook());
        sum += kernels::crossEntropySum(logits.view({b.rows * b.cols, logits.size(-1)}), labels).item<double>();
        result.tokens += b.lossTokens;
    }
    if (result.tokens == 0) throw Error(dataFile + ": no tokens to evaluate");
    result.loss = sum / double(result.tokens);
    result.perplexity = std::exp(result.loss);
    return result;
}

}  // namespace l1ra
