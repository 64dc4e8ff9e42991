// The global functions a chat template can call: Jinja's range, namespace, dict and joiner, and the two that
// transformers adds, raise_exception and strftime_now.
#include <ctime>
#include <memory>

#include "text/jinja/builtins.h"

namespace l1ra::jinja {
namespace {

constexpr int64_t maxRange = 100000;   // Jinja's sandbox refuses longer ranges

Value range(const Args& args) {
    if (args.positional.empty() || args.positional.size() > 3) fail("range expected 1 to 3 arguments");
    std::vector<int64_t> p;
    for (const auto& v : args.positional) p.push_back(toIndex(v, "range argument"));
    const int64_t start = p.size() > 1 ? p[0] : 0, stop = p.size() > 1 ? p[1] : p[0], step = p.size() > 2 ? p[2] : 1;
    if (step == 0) fail("range() arg 3 must not be zero");
    std::vector<Value> items;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (int64_t(items.size()) >= maxRange) fail("range too big (the sandbox allows " + std::to_string(maxRange) + " items)");
        items.push_back(Value::integer(i));
    }
    return Value::list(items);
}

std::vector<std::pair<Value, Value>> keywordEntries(const Args& args, const char* function) {
    std::vector<std::pair<Value, Value>> entries;
    for (const auto& positional : args.positional) {
        if (!positional.isDict()) fail(std::string(function) + "() takes a mapping and keyword arguments");
        entries.insert(entries.end(), positional.dictData().entries.begin(), positional.dictData().entries.end());
    }
    for (const auto& [key, value] : args.named) entries.emplace_back(Value::string(key), value);
    return entries;
}

Value strftimeNow(const Args& args) {
    const Value format = args.get(0, "format");
    if (!format.isString()) fail("strftime_now needs a format string");
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char buffer[512];
    const size_t n = std::strftime(buffer, sizeof buffer, format.asString().c_str(), &local);
    if (n == 0 && !format.asString().empty()) fail("strftime_now: the formatted date is empty or too long");
    return Value::string(std::string(buffer, n));
}

Value joiner(const Args& args) {
    const std::string separator = toStr(args.get(0, "sep", Value::string(", ")));
    auto used = std::make_shared<bool>(false);
    return Value::function("joiner", [separator, used](const Args&) {
        const bool first = !*used;
        *used = true;
        return Value::string(first ? "" : separator);
    });
}

}  // namespace

const std::vector<std::pair<std::string, Value>>& globalFunctions() {
    static const std::vector<std::pair<std::string, Value>> functions = {
        {"range", Value::function("range", range)},
        {"namespace", Value::function("namespace", [](const Args& a) { return Value::namespaceObject(keywordEntries(a, "namespace")); })},
        {"dict", Value::function("dict", [](const Args& a) { return Value::dict(keywordEntries(a, "dict")); })},
        {"joiner", Value::function("joiner", joiner)},
        {"raise_exception", Value::function("raise_exception", [](const Args& a) -> Value {
             fail("the template raised an error: " + toStr(a.get(0, "message")));
         })},
        {"strftime_now", Value::function("strftime_now", strftimeNow)},
    };
    return functions;
}

}  // namespace l1ra::jinja
