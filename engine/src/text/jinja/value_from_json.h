#pragma once
// Template values from JSON (messages, tools): objects keep their key order, as Python dicts do.
#include <nlohmann/json.hpp>

#include "text/jinja/value.h"

namespace l1ra::jinja {

Value valueFromJson(const nlohmann::ordered_json& json);

}  // namespace l1ra::jinja
