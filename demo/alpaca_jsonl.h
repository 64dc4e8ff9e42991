#pragma once
// Task items as alpaca JSON lines: {"instruction": ..., "input": "", "output": ...}, keys in that order.
#include "task_item.h"

#include <string>
#include <vector>

namespace l1ra::demo {

std::string alpacaJsonLine(const TaskItem& item);                    // one line, with its '\n'
std::string alpacaJsonlText(const std::vector<TaskItem>& items);

}  // namespace l1ra::demo
