#include "arguments.h"
#include "commands.h"
#include "l1ra/error.h"
#include "l1ra/tensor_file.h"
#include "model_options.h"

#include <sstream>

namespace l1ra::cli {

static std::vector<int64_t> parseIds(const std::string& text) {
    std::vector<int64_t> ids;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        char* end = nullptr;
        const long long v = std::strtoll(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0') throw Error("--ids: '" + item + "' is not a token id");
        ids.push_back(v);
    }
    if (ids.empty()) throw Error("--ids: no token ids given");
    return ids;
}

int runLogits(const Args& args, std::ostream& out, std::ostream&) {
    Arguments a("logits", args, withModelOptions({"--text", "--ids", "--out"}), {});
    const std::string outPath = a.required("--out");
    if (a.has("--text") == a.has("--ids")) throw Error("give exactly one of --text and --ids");
    auto model = loadModelFrom(a);
    const std::vector<int64_t> ids = a.has("--text") ? model->encode(*a.value("--text")) : parseIds(*a.value("--ids"));
    const std::vector<float> logits = model->logits(ids);
    const int64_t T = int64_t(ids.size()), V = model->info().vocabSize;
    using Type = TensorFileEntry::Type;
    writeTensorFile(outPath, {{"input_ids", Type::I64, {T}, ids.data()}, {"logits", Type::F32, {T, V}, logits.data()}},
                    {{"model", model->info().path}, {"dtype", model->dtype()}, {"device", model->device()}});
    out << "wrote " << outPath << ": input_ids [" << T << "], logits [" << T << ", " << V << "]\n";
    return 0;
}

}  // namespace l1ra::cli
