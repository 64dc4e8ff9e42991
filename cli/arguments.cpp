#include "arguments.h"

#include "l1ra/error.h"

#include <cstdlib>

namespace l1ra::cli {

Arguments::Arguments(const std::string& command, const std::vector<std::string>& args,
                     const std::set<std::string>& valueOptions, const std::set<std::string>& flagOptions)
    : command_(command) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string name = args[i];
        std::optional<std::string> inlineValue;
        if (name.rfind("--", 0) != 0) throw Error(command + ": unexpected argument '" + name + "'");
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (valueOptions.count(name)) {
            if (inlineValue) {
                values_.emplace(name, *inlineValue);
            } else {
                if (i + 1 >= args.size()) throw Error(command + ": option " + name + " needs a value");
                values_.emplace(name, args[++i]);
            }
        } else if (flagOptions.count(name)) {
            if (inlineValue) throw Error(command + ": option " + name + " takes no value");
            flags_.insert(name);
        } else {
            throw Error(command + ": unknown option '" + name + "' (see l1ra help " + command + ")");
        }
    }
}

std::optional<std::string> Arguments::value(const std::string& name) const {
    auto range = values_.equal_range(name);
    if (range.first == range.second) return std::nullopt;
    auto last = range.second;
    return (--last)->second;   // the last occurrence wins
}

std::string Arguments::required(const std::string& name) const {
    auto v = value(name);
    if (!v) throw Error(command_ + ": option " + name + " is required");
    return *v;
}

std::vector<std::string> Arguments::all(const std::string& name) const {
    std::vector<std::string> out;
    auto range = values_.equal_range(name);
    for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
    return out;
}

int Arguments::integer(const std::string& name, int fallback) const {
    auto v = value(name);
    if (!v) return fallback;
    char* end = nullptr;
    const long n = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || n < -2147483647L || n > 2147483647L)
        throw Error(command_ + ": " + name + " must be an integer, not '" + *v + "'");
    return int(n);
}

int Arguments::threads(int fallback) const {
    const int n = integer("--threads", fallback);
    if (n < 0) throw Error(command_ + ": --threads must be 0 (all cores) or a number of threads, not " + std::to_string(n));
    return n;
}

uint64_t Arguments::unsignedInteger(const std::string& name, uint64_t fallback) const {
    auto v = value(name);
    if (!v) return fallback;
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || (*v)[0] == '-') throw Error(command_ + ": " + name + " must be a non-negative integer, not '" + *v + "'");
    return uint64_t(n);
}

double Arguments::real(const std::string& name, double fallback) const {
    auto v = value(name);
    if (!v) return fallback;
    char* end = nullptr;
    const double x = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0') throw Error(command_ + ": " + name + " must be a number, not '" + *v + "'");
    return x;
}

}  // namespace l1ra::cli
