#include "text/json_field.h"

#include "l1ra/error.h"

#include <fstream>
#include <sstream>

namespace l1ra::text {

namespace {

std::string lineAndColumn(const std::string& text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

const nlohmann::json& nullJson() {
    static const nlohmann::json null;
    return null;
}

}  // namespace

nlohmann::json readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann counts the byte after the offending one; report the offending byte.
        const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
        throw Error(path + ": malformed JSON at byte " + std::to_string(at) + " (" + lineAndColumn(text, at) + ")");
    } catch (const nlohmann::json::exception& e) {
        // Well-formed text nlohmann still refuses, such as a number beyond a double (4e1010): no byte position.
        std::string why = e.what();
        if (const auto end = why.find("] "); why.rfind("[json.exception", 0) == 0 && end != std::string::npos) why.erase(0, end + 2);
        throw Error(path + ": malformed JSON: " + why);
    }
}

bool JsonField::has(const std::string& key) const {
    if (!value_->is_object()) return false;
    auto it = value_->find(key);
    return it != value_->end() && !it->is_null();
}

JsonField JsonField::operator[](const std::string& key) const {
    if (!value_->is_object()) fail("must be an object");
    auto it = value_->find(key);
    const std::string sub = path_.empty() ? key : path_ + "." + key;
    return JsonField(it == value_->end() ? nullJson() : *it, file_, sub);
}

JsonField JsonField::operator[](std::size_t index) const {
    if (!value_->is_array()) fail("must be an array");
    const std::string sub = path_ + "[" + std::to_string(index) + "]";
    return JsonField(index < value_->size() ? (*value_)[index] : nullJson(), file_, sub);
}

std::size_t JsonField::size() const {
    if (!value_->is_array() && !value_->is_object()) fail("must be an array or an object");
    return value_->size();
}

std::string JsonField::string() const {
    if (!value_->is_string()) fail(value_->is_null() ? "is missing" : "must be a string");
    return value_->get<std::string>();
}

bool JsonField::boolean() const {
    if (!value_->is_boolean()) fail(value_->is_null() ? "is missing" : "must be true or false");
    return value_->get<bool>();
}

int64_t JsonField::integer() const {
    if (!value_->is_number_integer()) fail(value_->is_null() ? "is missing" : "must be an integer");
    return value_->get<int64_t>();
}

double JsonField::number() const {
    if (!value_->is_number()) fail(value_->is_null() ? "is missing" : "must be a number");
    return value_->get<double>();
}

std::string JsonField::stringOr(const std::string& key, const std::string& fallback) const {
    return has(key) ? (*this)[key].string() : fallback;
}

bool JsonField::booleanOr(const std::string& key, bool fallback) const {
    return has(key) ? (*this)[key].boolean() : fallback;
}

std::string JsonField::type(const std::string& fallback) const {
    if (!value_->is_object()) fail("must be an object");
    if (!has("type")) {
        if (!fallback.empty()) return fallback;
        (*this)["type"].fail("is missing");
    }
    return (*this)["type"].string();
}

void JsonField::fail(const std::string& problem) const { throw Error(where() + " " + problem); }

void JsonField::unsupportedType(const std::string& type, const std::string& supported) const {
    throw Error(where() + ": type \"" + type + "\" is not supported (supported: " + supported + ")");
}

}  // namespace l1ra::text
