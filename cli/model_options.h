#pragma once
// The options every model-loading command shares: --model, --adapter, --template, --device, --dtype, --threads.
#include "arguments.h"
#include "l1ra/language_model.h"

#include <memory>
#include <set>

namespace l1ra::cli {

std::set<std::string> withModelOptions(std::set<std::string> valueOptions);
std::unique_ptr<LanguageModel> loadModelFrom(const Arguments& a);

}  // namespace l1ra::cli
