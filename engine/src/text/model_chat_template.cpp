#include "text/model_chat_template.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "l1ra/error.h"

namespace l1ra {
namespace {

using Json = nlohmann::json;

bool readFile(const std::string& path, std::string& text) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) throw Error("cannot read " + path);
    text = buffer.str();
    return true;
}

Json parseJsonFile(const std::string& path, const std::string& text) {
    try {
        return Json::parse(text);
    } catch (const Json::parse_error& e) {
        const size_t at = std::min(e.byte == 0 ? 0 : e.byte - 1, text.size());
        size_t line = 1, column = 1;
        for (size_t i = 0; i < at; ++i) {
            if (text[i] == '\n') ++line, column = 1;
            else ++column;
        }
        const std::string what = e.what();   // "[json.exception...] parse error at line L, column C: reason"
        const size_t reason = what.find(": ", what.find("column "));
        throw Error(path + ": invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
                    (reason == std::string::npos ? "" : what.substr(reason)));
    }
}

// A string, or an AddedToken object {"content": "..."}; null leaves the token unset.
void readSpecialTokens(const Json& config, const std::string& path, SpecialTokens& tokens) {
    for (const char* name : {"bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token"}) {
        if (!config.contains(name) || config[name].is_null() || tokens.count(name)) continue;
        const Json& v = config[name];
        if (v.is_string()) tokens[name] = v.get<std::string>();
        else if (v.is_object() && v.contains("content") && v["content"].is_string()) tokens[name] = v["content"].get<std::string>();
        else throw Error(path + ": field " + name + " must be a string or an object with a string \"content\"");
    }
}

// The texts of added_tokens_decoder's special entries and of additional_special_tokens.
void readSpecialTexts(const Json& config, std::vector<std::string>& texts) {
    auto add = [&](const Json& token) {
        if (token.is_string()) texts.push_back(token.get<std::string>());
        else if (token.is_object() && token.contains("content") && token["content"].is_string()) texts.push_back(token["content"].get<std::string>());
    };
    if (config.contains("added_tokens_decoder") && config["added_tokens_decoder"].is_object())
        for (const auto& entry : config["added_tokens_decoder"])
            if (entry.is_object() && entry.value("special", false)) add(entry);
    if (config.contains("additional_special_tokens") && config["additional_special_tokens"].is_array())
        for (const auto& token : config["additional_special_tokens"]) add(token);
}

// tokenizer_config.json's chat_template: a string, or a list of {"name", "template"} entries ("default" is used).
std::string templateField(const Json& config, const std::string& path) {
    if (!config.contains("chat_template") || config["chat_template"].is_null()) return "";
    const Json& field = config["chat_template"];
    if (field.is_string()) return field.get<std::string>();
    if (!field.is_array()) throw Error(path + ": field chat_template must be a string or a list of {name, template}");
    std::string names;
    for (const Json& entry : field) {
        if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() || !entry.contains("template") ||
            !entry["template"].is_string())
            throw Error(path + ": field chat_template: each entry must be {\"name\": string, \"template\": string}");
        if (entry["name"] == "default") return entry["template"].get<std::string>();
        names += (names.empty() ? "" : ", ") + entry["name"].get<std::string>();
    }
    throw Error(path + ": field chat_template has no template named \"default\" (it has: " + names + ")");
}

}  // namespace

ModelChatTemplate readModelChatTemplate(const std::string& modelDir) {
    ModelChatTemplate model;
    std::string text;
    const std::string jinjaPath = modelDir + "/chat_template.jinja";
    if (readFile(jinjaPath, text)) {
        model.text = text;
        model.origin = jinjaPath;
    }
    const std::string configPath = modelDir + "/tokenizer_config.json";
    if (readFile(configPath, text)) {
        const Json config = parseJsonFile(configPath, text);
        if (!config.is_object()) throw Error(configPath + ": expected a JSON object");
        readSpecialTokens(config, configPath, model.specialTokens);
        readSpecialTexts(config, model.specialTexts);
        const std::string field = templateField(config, configPath);
        if (model.text.empty() && !field.empty()) {
            model.text = field;
            model.origin = configPath + ", field chat_template";
        }
    }
    const std::string mapPath = modelDir + "/special_tokens_map.json";
    if (readFile(mapPath, text)) readSpecialTokens(parseJsonFile(mapPath, text), mapPath, model.specialTokens);
    const std::string legacyPath = modelDir + "/chat_template.json";
    if (model.text.empty() && readFile(legacyPath, text)) {
        const Json legacy = parseJsonFile(legacyPath, text);
        if (!legacy.is_object() || !legacy.contains("chat_template") || !legacy["chat_template"].is_string())
            throw Error(legacyPath + ": field chat_template must be a string");
        model.text = legacy["chat_template"].get<std::string>();
        model.origin = legacyPath + ", field chat_template";
    }
    for (const auto& [name, token] : model.specialTokens) model.specialTexts.push_back(token);
    return model;
}

namespace {

// Renders and splits a short user/assistant conversation: the template works for training chat data.
void probe(const ChatTemplate& chatTemplate) {
    const std::vector<ChatMessage> messages = {{"user", "Hello."}, {"assistant", "Hi."}, {"user", "Bye."}, {"assistant", "Bye."}};
    chatTemplate.conversation(messages);
    chatTemplate.prompt(std::vector<ChatMessage>(messages.begin(), messages.end() - 1));
}

}  // namespace

ChatTemplateChoice chooseChatTemplate(const ModelChatTemplate& model, const std::string& choice) {
    ChatTemplateChoice result;
    const bool hasOwn = !model.text.empty();
    if (choice == "plain") {
        result.description = "the plain ### User: format";
        return result;
    }
    if (choice == "auto") {
        // Nothing to fall back from: the plain format is what a model without a template is trained with.
        if (!hasOwn) {
            result.description = "the plain ### User: format (the model declares no chat template)";
            return result;
        }
        try {
            ChatTemplate own(model.text, model.origin, model.specialTokens, model.specialTexts);
            probe(own);
            result.description = "the model's own chat template (" + chatFamilyName(own.family()) + ", " + model.origin + ")";
            result.chatTemplate = std::move(own);
        } catch (const Error& e) {
            result.description = "the plain ### User: format";
            result.warning = std::string("the model's chat template cannot be used for training (") + e.what() +
                             "): chat data uses the plain ### User: format";
        }
        return result;
    }
    if (choice != "llama3" && choice != "llama2" && choice != "mistral" && choice != "chatml")
        throw Error("template '" + choice + "' is not one of auto, llama3, llama2, mistral, chatml, plain");
    const ChatFamily family = chatFamilyFromName(choice);
    if (hasOwn && recognizeChatFamily(model.text) == family) {
        result.chatTemplate = ChatTemplate(model.text, model.origin, model.specialTokens, model.specialTexts);
        result.description = "the model's own chat template (" + choice + ", " + model.origin + ")";
        return result;
    }
    result.chatTemplate = ChatTemplate::builtin(family, model.specialTokens);
    result.description = "the built-in " + choice + " template";
    if (hasOwn)
        result.warning = "the run forces the built-in " + choice + " template; the model's own (" + model.origin + ") is " +
                         chatFamilyName(recognizeChatFamily(model.text));
    return result;
}

}  // namespace l1ra
