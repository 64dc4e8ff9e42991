#include "text/tokenizer_config.h"

#include "text/json_field.h"

#include <filesystem>

namespace l1ra::text {

namespace {

// "bos_token": "<s>", {"content": "<s>", ...} or null.
NamedToken readNamedToken(const JsonField& top, const std::string& key) {
    NamedToken t;
    if (!top.json().contains(key)) return t;
    t.given = true;
    const JsonField f = top[key];
    if (f.isNull()) return t;
    t.content = f.json().is_object() ? f["content"].string() : f.string();
    return t;
}

std::optional<bool> readSwitch(const JsonField& top, const std::string& key) {
    if (!top.has(key)) return std::nullopt;
    return top[key].boolean();
}

}  // namespace

TokenizerConfig readTokenizerConfig(const std::string& dir) {
    TokenizerConfig config;
    const std::string path = dir + "/tokenizer_config.json";
    if (!std::filesystem::is_regular_file(path)) return config;
    const nlohmann::json json = readJsonFile(path);
    const JsonField top(json, path, "");
    if (!json.is_object()) top.fail("must be a JSON object");
    config.path = path;
    config.bos = readNamedToken(top, "bos_token");
    config.eos = readNamedToken(top, "eos_token");
    config.tokenizerClass = top.stringOr("tokenizer_class", "");
    config.addBosToken = readSwitch(top, "add_bos_token");
    config.addEosToken = readSwitch(top, "add_eos_token");
    return config;
}

}  // namespace l1ra::text
