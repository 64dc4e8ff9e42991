#pragma once
// Reads the bsdgames quiz database: quiz/index names each topic file and its columns, each topic file
// holds one record per line ('\' at the end of a line continues the record on the next line).
#include <string>
#include <vector>

namespace l1ra::demo {

struct QuizTopic {
    std::string name;                              // the topic file's name, e.g. "africa"
    std::string path;                              // where it was read from
    std::vector<std::string> columnNames;          // rendered from the index: "Africa{n}:cap{ital}" -> African, capital
    std::vector<std::vector<std::string>> records; // raw fields, still in quiz pattern syntax
};

// Joins continuation lines the way quiz(6) does: the trailing '\' goes, the next line is appended as is.
// Empty records (blank lines) are dropped.
std::vector<std::string> joinQuizContinuations(const std::string& text);

// Every topic named in <quizDir>/index. The index may name files by absolute path (Debian's does);
// only the file name is used, looked up in quizDir. Throws l1ra::Error naming any missing file.
std::vector<QuizTopic> readQuizTopics(const std::string& quizDir);

}  // namespace l1ra::demo
