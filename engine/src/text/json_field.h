#pragma once
// JSON read from a tokenizer file, each value carrying the file and the field path it came from, so that every
// complaint names both ("tokenizer.json: pre_tokenizer.pretokenizers[1].type ...").
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace l1ra::text {

// Parses a whole file; a malformed one is refused naming the file, the byte offset, line and column.
nlohmann::json readJsonFile(const std::string& path);

class JsonField {
public:
    JsonField(const nlohmann::json& value, std::string file, std::string path)
        : value_(&value), file_(std::move(file)), path_(std::move(path)) {}

    const nlohmann::json& json() const { return *value_; }
    const std::string& path() const { return path_; }
    const std::string& file() const { return file_; }
    std::string where() const { return file_ + ": " + (path_.empty() ? std::string("the top level") : path_); }

    bool isNull() const { return value_->is_null(); }
    bool has(const std::string& key) const;             // a member that is present and not null
    JsonField operator[](const std::string& key) const;  // null when absent (a shared static null)
    JsonField operator[](std::size_t index) const;
    std::size_t size() const;                           // of an array or object; refused otherwise

    std::string string() const;
    bool boolean() const;
    int64_t integer() const;
    double number() const;
    std::string stringOr(const std::string& key, const std::string& fallback) const;
    bool booleanOr(const std::string& key, bool fallback) const;

    // The "type" member (or `fallback` when absent), for the tagged unions of tokenizer.json.
    std::string type(const std::string& fallback = "") const;

    [[noreturn]] void fail(const std::string& problem) const;
    // "type \"X\" is not supported (supported: A, B)"
    [[noreturn]] void unsupportedType(const std::string& type, const std::string& supported) const;

private:
    const nlohmann::json* value_;
    std::string file_, path_;
};

}  // namespace l1ra::text
