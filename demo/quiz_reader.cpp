#include "quiz_reader.h"

#include "file_io.h"
#include "l1ra/error.h"
#include "quiz_pattern.h"
#include "text_clean.h"

namespace l1ra::demo {

std::vector<std::string> joinQuizContinuations(const std::string& text) {
    std::vector<std::string> records;
    std::string pending;
    bool continuing = false;
    for (std::string& line : splitLines(text)) {
        const bool continues = !line.empty() && line.back() == '\\';
        if (continues) line.pop_back();
        pending += line;
        continuing = continues;
        if (continuing) continue;
        if (!trim(pending).empty()) records.push_back(pending);
        pending.clear();
    }
    if (continuing && !trim(pending).empty()) records.push_back(pending);   // file ended mid-record
    return records;
}

std::vector<QuizTopic> readQuizTopics(const std::string& quizDir) {
    requireDirectory(quizDir, "bsdgames quiz database (package bsdgames)");
    const std::string indexPath = joinPath(quizDir, "index");
    std::vector<QuizTopic> topics;
    for (const std::string& entry : joinQuizContinuations(readWholeFile(indexPath))) {
        std::vector<std::string> fields = splitQuizFields(entry);
        if (fields.size() < 3) throw Error(indexPath + ": topic line needs a file and two columns: " + entry);
        QuizTopic topic;
        topic.name = baseName(trim(fields[0]));
        topic.path = joinPath(quizDir, topic.name);
        for (std::size_t i = 1; i < fields.size(); ++i) {
            // The index joins words with '-' ("area{-code}"); a question reads better with spaces.
            std::string column = renderQuizPattern(fields[i]);
            for (char& c : column)
                if (c == '-') c = ' ';
            topic.columnNames.push_back(column);
        }
        if (!isRegularFile(topic.path)) throw Error(indexPath + " names a topic file that is missing: " + topic.path);
        for (const std::string& record : joinQuizContinuations(toValidUtf8(readWholeFile(topic.path))))
            topic.records.push_back(splitQuizFields(record));
        topics.push_back(std::move(topic));
    }
    return topics;
}

}  // namespace l1ra::demo
