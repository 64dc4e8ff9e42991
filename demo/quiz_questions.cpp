#include "quiz_questions.h"

#include "quiz_pattern.h"
#include "text_clean.h"

#include <string_view>

namespace l1ra::demo {

namespace {

// Some topics write names in lower case ("huascar", "northern new jersey").
enum class NameCase { AsWritten, Title };

// How to ask one column of a topic from another. "{}" in the instruction is replaced by the question.
struct QuizPhrasing {
    std::string_view topic;
    std::size_t questionColumn;
    std::size_t answerColumn;
    std::string_view instruction;
    OptionalText answerOptional = OptionalText::Include;
    NameCase names = NameCase::AsWritten;
};

// Columns left out on purpose: atomic weights, reign centuries, and the "greek" topic, whose words are in
// a transliteration (such as "$luw$") nobody would type.
constexpr QuizPhrasing kPhrasings[] = {
    {"africa", 0, 1, "What is the capital of {}?"},
    {"america", 0, 1, "What is the capital of {}?"},
    {"asia", 0, 1, "What is the capital of {}?"},
    {"europe", 0, 1, "What is the capital of {}?"},
    {"areas", 0, 1, "Which region has the North American telephone area code {}?", OptionalText::Include, NameCase::Title},
    {"areas", 0, 2, "Which city has the North American telephone area code {}?", OptionalText::Include, NameCase::Title},
    {"arith", 0, 1, "Which number goes in place of the dots: {}?"},
    {"babies", 0, 1, "Which animal's young is called \"{}\"?"},
    {"bard", 0, 1, "In Shakespeare, which line follows \"{}\"?"},
    {"bard", 0, 2, "Which Shakespeare play, act and scene has the line \"{}\"?"},
    {"bard", 0, 3, "Which Shakespeare character says \"{}\"?"},
    {"chinese", 0, 1, "In the Chinese zodiac, which year comes after the year of the {}?"},
    {"collectives", 0, 1, "What is the collective noun for a group of {}?"},
    {"ed", 0, 1, "Give the ed editor command for this task: {}"},
    {"elements", 3, 0, "What is the chemical symbol of {}?"},
    {"elements", 0, 3, "Which chemical element has the symbol {}?"},
    {"elements", 3, 1, "What is the atomic number of {}?"},
    {"flowers", 0, 1, "In the language of flowers, what does {} mean?"},
    {"inca", 0, 1, "Which Inca ruler succeeded {}?", OptionalText::Include, NameCase::Title},
    {"latin", 0, 1, "Translate the Latin word \"{}\" into English."},
    {"locomotive", 0, 1, "What is the name of the {} locomotive wheel arrangement?"},
    {"midearth", 0, 1, "In Tolkien's Middle-earth, what is the capital of {}?"},
    {"morse", 0, 1, "What is the Morse code for {}?"},
    {"morse", 1, 0, "Which letter is {} in Morse code?"},
    {"mult", 0, 1, "What is {}?"},
    {"murders", 0, 1, "Who or what killed {}?"},
    {"poetry", 0, 1, "In the poem, which line follows \"{}\"?"},
    {"poetry", 0, 2, "Which poem has the line \"{}\"?"},
    {"poetry", 0, 3, "Who wrote the line of poetry \"{}\"?"},
    {"posneg", 0, 1, "What is the opposite of \"{}\"?"},
    {"pres", 0, 1, "In which years was {} President of the United States?"},
    {"pres", 0, 2, "Who was Vice President under President {}?"},
    {"pres", 0, 3, "Who succeeded {} as President of the United States?"},
    {"province", 0, 1, "What is the capital of the Canadian province or territory {}?"},
    {"seq-easy", 0, 1, "Which number comes next in the sequence {}?", OptionalText::Omit},
    {"seq-easy", 0, 2, "What is the name of the sequence {}?"},
    {"seq-hard", 0, 1, "Which number comes next in the sequence {}?", OptionalText::Omit},
    {"seq-hard", 0, 2, "What is the name of the sequence {}?"},
    {"sexes", 0, 1, "What is the female counterpart of \"{}\"?"},
    {"sexes", 1, 0, "What is the male counterpart of \"{}\"?"},
    {"sov", 0, 2, "Who succeeded {} on the English throne?"},
    {"spell", 0, 1, "Which word is misspelled in \"{}\"? Give the correct spelling."},
    {"state", 0, 1, "What is the capital of the US state of {}?"},
    {"state", 0, 2, "What is the postal abbreviation of the US state of {}?"},
    {"state", 0, 3, "What is the state flower of {}?"},
    {"trek", 0, 1, "Star Trek trivia: {}?"},
    {"ucc", 0, 1, "What does section {} of the Uniform Commercial Code cover?"},
};

constexpr std::string_view kTopicsLeftOut[] = {"greek"};

// Answers the quiz files use for "nobody knows": not something to train on.
bool isUnknownAnswer(const std::string& answer) {
    const std::string lower = asciiLower(answer);
    return lower == "gok" || lower == "?" || lower == "unknown";
}

std::string fillIn(std::string_view pattern, const std::string& question) {
    std::string out(pattern);
    const std::size_t at = out.find("{}");
    if (at != std::string::npos) out.replace(at, 2, question);
    return out;
}

void addQuestion(std::vector<TaskItem>& items, const std::vector<std::string>& record,
                 std::size_t questionColumn, std::size_t answerColumn, const std::string& instruction,
                 OptionalText answerOptional, NameCase names) {
    if (questionColumn >= record.size() || answerColumn >= record.size()) return;
    std::string question = renderQuizPattern(record[questionColumn]);
    std::string answer = renderQuizPattern(record[answerColumn], answerOptional);
    if (names == NameCase::Title) {
        question = titleCase(question);
        answer = titleCase(answer);
    }
    const std::string subject = renderQuizPattern(record[0]);
    if (question.empty() || answer.empty() || subject.empty() || isUnknownAnswer(answer)) return;
    items.push_back({"quiz", "quiz:" + asciiLower(subject), fillIn(instruction, question), answer});
}

}  // namespace

std::vector<TaskItem> quizTaskItems(const std::vector<QuizTopic>& topics) {
    std::vector<TaskItem> items;
    for (const QuizTopic& topic : topics) {
        bool leftOut = false;
        for (std::string_view name : kTopicsLeftOut) leftOut = leftOut || name == topic.name;
        if (leftOut) continue;

        std::vector<const QuizPhrasing*> phrasings;
        for (const QuizPhrasing& phrasing : kPhrasings)
            if (phrasing.topic == topic.name) phrasings.push_back(&phrasing);

        for (const std::vector<std::string>& record : topic.records) {
            if (phrasings.empty()) {
                // A topic we have no phrasing for: name the topic and both columns so it is still answerable.
                if (topic.columnNames.size() < 2) continue;
                const std::string instruction = "Quiz topic \"" + topic.name + "\": what is the " + topic.columnNames[1] +
                                                " for the " + topic.columnNames[0] + " \"{}\"?";
                addQuestion(items, record, 0, 1, instruction, OptionalText::Include, NameCase::AsWritten);
                continue;
            }
            for (const QuizPhrasing* phrasing : phrasings)
                addQuestion(items, record, phrasing->questionColumn, phrasing->answerColumn,
                            std::string(phrasing->instruction), phrasing->answerOptional, phrasing->names);
        }
    }
    return items;
}

}  // namespace l1ra::demo
