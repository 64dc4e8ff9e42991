#include "fortune_reader.h"

#include "file_io.h"
#include "text_clean.h"

namespace l1ra::demo {

namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<std::string> parseFortunes(const std::string& text) {
    std::vector<std::string> records;
    std::string current;
    const auto finish = [&] {
        if (!current.empty()) records.push_back(current);
        current.clear();
    };
    for (const std::string& line : splitLines(text)) {
        if (trim(line) == "%") {
            finish();
            continue;
        }
        const std::string clean = collapseWhitespace(plainTerminalText(line));
        if (clean.empty()) continue;
        if (!current.empty()) current.push_back('\n');
        current += clean;
    }
    finish();
    return records;
}

std::vector<std::string> fortuneFileNames(const std::string& dir) {
    std::vector<std::string> names;
    for (const std::string& name : listFileNames(dir)) {
        if (name.empty() || name[0] == '.' || endsWith(name, ".dat") || endsWith(name, ".u8")) continue;
        names.push_back(name);
    }
    return names;
}

std::vector<std::string> readFortuneFile(const std::string& path) {
    return parseFortunes(toValidUtf8(readWholeFile(path)));
}

}  // namespace l1ra::demo
