#include "text/jinja/value_from_json.h"

namespace l1ra::jinja {

Value valueFromJson(const nlohmann::ordered_json& json) {
    switch (json.type()) {
        case nlohmann::ordered_json::value_t::null: return Value::none();
        case nlohmann::ordered_json::value_t::boolean: return Value::boolean(json.get<bool>());
        case nlohmann::ordered_json::value_t::number_integer: return Value::integer(json.get<int64_t>());
        case nlohmann::ordered_json::value_t::number_unsigned: return Value::integer(int64_t(json.get<uint64_t>()));
        case nlohmann::ordered_json::value_t::number_float: return Value::number(json.get<double>());
        case nlohmann::ordered_json::value_t::string: return Value::string(json.get<std::string>());
        case nlohmann::ordered_json::value_t::array: {
            std::vector<Value> items;
            for (const auto& item : json) items.push_back(valueFromJson(item));
            return Value::list(std::move(items));
        }
        case nlohmann::ordered_json::value_t::object: {
            std::vector<std::pair<Value, Value>> entries;
            for (const auto& [key, value] : json.items()) entries.emplace_back(Value::string(key), valueFromJson(value));
            return Value::dict(std::move(entries));
        }
        default: return Value::none();
    }
}

}  // namespace l1ra::jinja
