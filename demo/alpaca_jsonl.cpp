#include "alpaca_jsonl.h"

#include <nlohmann/json.hpp>

namespace l1ra::demo {

std::string alpacaJsonLine(const TaskItem& item) {
    nlohmann::ordered_json record;
    record["instruction"] = item.instruction;
    record["input"] = "";
    record["output"] = item.output;
    // The readers hand over valid UTF-8; `replace` only guards against a future reader that does not.
    return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string alpacaJsonlText(const std::vector<TaskItem>& items) {
    std::string text;
    for (const TaskItem& item : items) text += alpacaJsonLine(item);
    return text;
}

}  // namespace l1ra::demo
