#include "data_records.h"

#include "file_util.h"
#include "l1ra/error.h"
#include "l1ra/prompt_template.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace l1ra {

using nlohmann::json;

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string formatOfObject(const json& j) {
    if (j.contains("messages")) return "chat";
    if (j.contains("instruction") && j.contains("output")) return "alpaca";
    if (j.contains("text")) return "jsonl";
    return "";
}

// Plain text: documents separated by blank lines.
std::vector<DataRecord> readText(const std::string& path) {
    const std::string text = readTextFile(path);
    std::vector<DataRecord> out;
    std::string doc;
    auto flush = [&] {
        while (!doc.empty() && (doc.back() == '\n' || doc.back() == ' ' || doc.back() == '\r')) doc.pop_back();
        if (!doc.empty()) out.push_back({{{doc, true, true}}, true});
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

DataRecord recordFromJson(const json& j, const std::string& format, const std::string& where) {
    if (!j.is_object()) throw Error(where + ": not a JSON object");
    DataRecord r;
    if (format == "jsonl") {
        const std::string text = stringField(j, "text", where, true);
        if (text.empty()) throw Error(where + ": \"text\" is empty");
        r.segments.push_back({text, true, true});
        r.packed = true;
    } else if (format == "alpaca") {
        const std::string instruction = stringField(j, "instruction", where, true);
        const std::string input = stringField(j, "input", where, false);
        const std::string output = stringField(j, "output", where, true);
        if (instruction.empty() || output.empty()) throw Error(where + ": \"instruction\" and \"output\" must not be empty");
        r.segments.push_back({alpacaPrompt(instruction, input), false, false});
        r.segments.push_back({output, true, true});
    } else if (format == "chat") {
        if (!j.contains("messages") || !j["messages"].is_array() || j["messages"].empty())
            throw Error(where + ": \"messages\" must be a non-empty list");
        bool anyAssistant = false;
        for (const auto& m : j["messages"]) {
            if (!m.is_object()) throw Error(where + ": each message must be an object with role and content");
            const std::string role = stringField(m, "role", where, true);
            const std::string content = stringField(m, "content", where, true);
            if (role != "system" && role != "user" && role != "assistant")
                throw Error(where + ": role '" + role + "' is not one of system, user, assistant");
            if (role == "assistant") {
                r.segments.push_back({chatRoleHeader(role), false, false});
                r.segments.push_back({content, true, true});
                anyAssistant = true;
            } else {
                r.segments.push_back({chatRoleHeader(role) + content + "\n\n", false, false});
            }
        }
        if (!anyAssistant) throw Error(where + ": no assistant message to train on");
    }
    return r;
}

}  // namespace

std::string detectDataFormat(const std::string& path) {
    if (!fileExists(path)) throw Error("data file " + path + " does not exist");
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
                        ": a record needs \"text\", \"instruction\"+\"output\" or \"messages\"");
        return f;
    }
    throw Error(path + ": the file is empty");
}

std::vector<DataRecord> readDataRecords(const std::string& path, const std::string& format, std::string* resolvedFormat) {
    const std::string f = format.empty() || format == "auto" ? detectDataFormat(path) : format;
    if (f != "text" && f != "jsonl" && f != "alpaca" && f != "chat")
        throw Error("data format '" + f + "' is not one of text, jsonl, alpaca, chat");
    if (!fileExists(path)) throw Error("data file " + path + " does not exist");
    if (resolvedFormat) *resolvedFormat = f;
    std::vector<DataRecord> out;
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
            out.push_back(recordFromJson(j, f, where));
        }
    }
    if (out.empty()) throw Error(path + ": no records");
    return out;
}

}  // namespace l1ra
