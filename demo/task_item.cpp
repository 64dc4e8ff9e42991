#include "task_item.h"

#include "seeded_random.h"
#include "text_clean.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_set>

namespace l1ra::demo {

std::vector<TaskItem> keepLearnable(std::vector<TaskItem> items) {
    std::vector<TaskItem> kept;
    std::unordered_set<std::string> seenInstructions;
    for (TaskItem& item : items) {
        item.instruction = collapseWhitespace(item.instruction);
        item.output = collapseWhitespace(item.output);
        if (item.key.empty() || item.instruction.empty() || item.output.empty()) continue;
        if (item.instruction.size() > kMaxInstructionChars || item.output.size() > kMaxOutputChars) continue;
        if (!seenInstructions.insert(item.instruction).second) continue;
        kept.push_back(std::move(item));
    }
    return kept;
}

std::vector<TaskItem> capByKey(const std::vector<TaskItem>& items, std::size_t maxItems) {
    if (maxItems == 0 || items.size() <= maxItems) return items;
    std::map<std::string, std::size_t> itemsPerKey;
    for (const TaskItem& item : items) ++itemsPerKey[item.key];
    std::vector<std::pair<uint64_t, std::string>> order;
    for (const auto& [key, count] : itemsPerKey) order.emplace_back(stableHash(key), key);
    std::sort(order.begin(), order.end());
    std::set<std::string> chosen;
    std::size_t total = 0;
    for (const auto& [hash, key] : order) {
        const std::size_t count = itemsPerKey[key];
        if (total + count > maxItems) continue;   // a smaller key further down may still fit
        chosen.insert(key);
        total += count;
    }
    std::vector<TaskItem> kept;
    for (const TaskItem& item : items)
        if (chosen.count(item.key)) kept.push_back(item);
    return kept;
}

TaskSplit splitByKey(const std::vector<TaskItem>& items, uint64_t seed, double valFraction) {
    std::vector<std::string> keys;
    std::unordered_set<std::string> seen;
    for (const TaskItem& item : items)
        if (seen.insert(item.key).second) keys.push_back(item.key);
    seededShuffle(keys, seed);

    std::size_t valKeys = std::size_t(std::llround(valFraction * double(keys.size())));
    if (valFraction > 0 && valKeys == 0 && keys.size() >= 2) valKeys = 1;
    valKeys = std::min(valKeys, keys.size());
    const std::unordered_set<std::string> valSet(keys.begin(), keys.begin() + std::ptrdiff_t(valKeys));

    TaskSplit split;
    for (const TaskItem& item : items) (valSet.count(item.key) ? split.val : split.train).push_back(item);
    return split;
}

}  // namespace l1ra::demo
