#include "model_options.h"

#include "l1ra/runtime.h"

namespace l1ra::cli {

std::set<std::string> withModelOptions(std::set<std::string> valueOptions) {
    valueOptions.insert({"--model", "--adapter", "--template", "--device", "--dtype", "--threads", "--base-dtype"});
    return valueOptions;
}

std::unique_ptr<LanguageModel> loadModelFrom(const Arguments& a) {
    setThreadCount(a.threads());
    LoadOptions options;
    options.device = a.value("--device").value_or("cpu");
    options.dtype = a.value("--dtype").value_or("auto");
    options.adapter = a.value("--adapter").value_or("");
    options.chatTemplate = a.value("--template").value_or("");
    options.baseDtype = a.value("--base-dtype").value_or("bf16");
    return LanguageModel::load(a.required("--model"), options);
}

}  // namespace l1ra::cli
