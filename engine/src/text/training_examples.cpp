#include "text/training_examples.h"

#include "io/file_util.h"
#include "l1ra/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <functional>

namespace l1ra {

using nlohmann::json;

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string formatOfObject(const json& j) {
    if (j.contains("messages")) return "chat";
    if (j.contains("conversations")) return "sharegpt";
    if (j.contains("instruction") && j.contains("output")) return "alpaca";
    if (j.contains("text")) return "jsonl";
    return "";
}

// Plain text: documents separated by blank lines.
std::vector<TrainingExample> readText(const std::string& path) {
    const std::string text = readTextFile(path);
    // Text never holds NUL bytes; a binary file (a model, an archive) would train on noise without a word.
    if (const auto nul = text.find('\0'); nul != std::string::npos)
        throw Error(path + ": holds a NUL byte at offset " + std::to_string(nul) + ": a binary file, not text");
    std::vector<TrainingExample> out;
    std::string doc;
    auto flush = [&] {
        while (!doc.empty() && (doc.back() == '\n' || doc.back() == ' ' || doc.back() == '\r')) doc.pop_back();
        if (!doc.empty()) out.push_back({TrainingExample::Kind::Text, doc, {}, {}, {}, {}});
        doc.clear();
    };
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) flush();
        else doc += line + "\n";
        pos = end + 1;
    }
    flush();
    return out;
}

std::string stringField(const json& j, const char* key, const std::string& where, bool required) {
    if (!j.contains(key) || j[key].is_null()) {
        if (required) throw Error(where + ": missing \"" + key + "\"");
        return "";
    }
    if (!j[key].is_string()) throw Error(where + ": \"" + key + "\" must be a string");
    return j[key].get<std::string>();
}

// A conversation's messages, each {roleKey, contentKey}; `role` maps the file's speaker names to ours.
std::vector<ChatMessage> readMessages(const json& list, const char* listKey, const char* roleKey, const char* contentKey,
                                      const std::function<std::string(const std::string&)>& role, const std::string& where) {
    if (!list.is_array() || list.empty()) throw Error(where + ": \"" + listKey + "\" must be a non-empty list");
    std::vector<ChatMessage> out;
    for (const auto& m : list) {
        if (!m.is_object())
            throw Error(where + ": each message must be an object with " + roleKey + " and " + contentKey);
        out.push_back({role(stringField(m, roleKey, where, true)), stringField(m, contentKey, where, true)});
    }
    const bool anyAssistant =
        std::any_of(out.begin(), out.end(), [](const ChatMessage& m) { return m.role == "assistant"; });
    if (!anyAssistant) throw Error(where + ": no assistant message to train on");
    return out;
}

std::string chatRole(const std::string& role, const std::string& where) {
    if (role != "system" && role != "user" && role != "assistant")
        throw Error(where + ": role '" + role + "' is not one of system, user, assistant");
    return role;
}

// ShareGPT's speakers, as the tools that write the format name them.
std::string shareGptRole(const std::string& from, const std::string& where) {
    if (from == "human" || from == "user") return "user";
    if (from == "gpt" || from == "assistant" || from == "model" || from == "chatgpt" || from == "bard" || from == "bing")
        return "assistant";
    if (from == "system") return "system";
    throw Error(where + ": speaker \"from\": \"" + from + "\" is not one of human, gpt, system");
}

TrainingExample exampleFromJson(const json& j, const std::string& format, const std::string& where) {
    if (!j.is_object()) throw Error(where + ": not a JSON object");
    TrainingExample e;
    if (format == "jsonl") {
        e.text = stringField(j, "text", where, true);
        if (e.text.empty()) throw Error(where + ": \"text\" is empty");
    } else if (format == "alpaca") {
        e.kind = TrainingExample::Kind::Instruction;
        e.instruction = stringField(j, "instruction", where, true);
        e.input = stringField(j, "input", where, false);
        e.output = stringField(j, "output", where, true);
        if (e.instruction.empty() || e.output.empty()) throw Error(where + ": \"instruction\" and \"output\" must not be empty");
    } else if (format == "chat") {
        e.kind = TrainingExample::Kind::Conversation;
        if (!j.contains("messages")) throw Error(where + ": \"messages\" must be a non-empty list");
        e.messages = readMessages(j["messages"], "messages", "role", "content",
                                  [&](const std::string& r) { return chatRole(r, where); }, where);
    } else {   // sharegpt
        e.kind = TrainingExample::Kind::Conversation;
        if (!j.contains("conversations")) throw Error(where + ": \"conversations\" must be a non-empty list");
        e.messages = readMessages(j["conversations"], "conversations", "from", "value",
                                  [&](const std::string& r) { return shareGptRole(r, where); }, where);
        // Some ShareGPT files carry the system prompt beside the turns.
        const std::string system = stringField(j, "system", where, false);
        if (!system.empty() && e.messages.front().role != "system") e.messages.insert(e.messages.begin(), {"system", system});
    }
    return e;
}

}  // namespace

const std::vector<std::string>& dataFormatNames() {
    static const std::vector<std::string> names = {"text", "jsonl", "alpaca", "chat", "sharegpt"};
    return names;
}

// A folder given where a data file belongs is common (a dataset's folder instead of its file): say so.
static void requireDataFile(const std::string& path) {
    if (isDirectory(path)) throw Error("data file " + path + " is a folder; give the file inside it");
    if (!fileExists(path)) throw Error("data file " + path + " does not exist");
}

std::string detectDataFormat(const std::string& path) {
    requireDataFile(path);
    if (endsWith(path, ".txt") || endsWith(path, ".text") || endsWith(path, ".md")) return "text";
    std::ifstream in(path);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const json j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            if (endsWith(path, ".jsonl") || endsWith(path, ".json"))
                throw Error(path + ": line " + std::to_string(number) + " is not a JSON object (expected JSON lines)");
            return "text";
        }
        const std::string f = formatOfObject(j);
        if (f.empty())
            throw Error(path + ": line " + std::to_string(number) +
                        ": a record needs \"text\", \"instruction\"+\"output\", \"messages\" or \"conversations\"");
        return f;
    }
    throw Error(path + ": the file is empty");
}

std::vector<TrainingExample> readTrainingExamples(const std::string& path, const std::string& format,
                                                  std::string* resolvedFormat) {
    const std::string f = format.empty() || format == "auto" ? detectDataFormat(path) : format;
    const auto& names = dataFormatNames();
    if (std::find(names.begin(), names.end(), f) == names.end())
        throw Error("data format '" + f + "' is not one of text, jsonl, alpaca, chat, sharegpt");
    requireDataFile(path);
    if (resolvedFormat) *resolvedFormat = f;
    std::vector<TrainingExample> out;
    if (f == "text") {
        out = readText(path);
    } else {
        std::ifstream in(path);
        if (!in) throw Error("cannot read " + path);
        std::string line;
        int number = 0;
        while (std::getline(in, line)) {
            ++number;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            const std::string where = path + ": line " + std::to_string(number);
            const json j = json::parse(line, nullptr, false);
            if (j.is_discarded()) throw Error(where + ": not valid JSON");
            out.push_back(exampleFromJson(j, f, where));
        }
    }
    if (out.empty()) throw Error(path + ": no records");
    return out;
}

}  // namespace l1ra
