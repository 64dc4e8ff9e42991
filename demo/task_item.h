#pragma once
// One instruction-tuning example before it is written as an alpaca record, and the rules that pick and
// split them: train and validation never share an item, so validation loss measures answers to
// questions the model was not trained on.
#include <cstdint>
#include <string>
#include <vector>

namespace l1ra::demo {

struct TaskItem {
    std::string family;        // "quiz", "acronym" or "definition"
    std::string key;           // the item the question is about; all questions on one item share a split
    std::string instruction;   // a question that can be answered without any other context
    std::string output;        // one short line
};

// Length limits that keep the task learnable by a tiny model.
constexpr std::size_t kMaxInstructionChars = 300;
constexpr std::size_t kMaxOutputChars = 100;

// Collapses whitespace in instruction and output, then keeps items with a key, a non-empty instruction
// and output within the limits, and the first item for every instruction (a repeated question with
// another answer would teach the model to guess). Order is kept.
std::vector<TaskItem> keepLearnable(std::vector<TaskItem> items);

// At most `maxItems` items (0 = no cap), choosing whole keys in an order fixed by a hash of the key:
// the choice does not depend on the seed or on the order the sources were read in.
std::vector<TaskItem> capByKey(const std::vector<TaskItem>& items, std::size_t maxItems);

struct TaskSplit {
    std::vector<TaskItem> train;
    std::vector<TaskItem> val;
};

// Shuffles the distinct keys with the seed and gives the first round(valFraction x keys) to validation
// (at least one when valFraction > 0 and there are two keys or more). Items keep their order within a split.
TaskSplit splitByKey(const std::vector<TaskItem>& items, uint64_t seed, double valFraction);

}  // namespace l1ra::demo
