#pragma once
// Turns quiz records into questions that stand on their own: "Algeria" alone asks nothing, "What is the
// capital of Algeria?" does. Known topics have hand-written phrasings; a topic without one is asked
// through its column names from the index.
#include "quiz_reader.h"
#include "task_item.h"

#include <vector>

namespace l1ra::demo {

// One question per (record, phrasing), family "quiz", keyed by the record's first column so every
// question about one record lands in the same split.
std::vector<TaskItem> quizTaskItems(const std::vector<QuizTopic>& topics);

}  // namespace l1ra::demo
