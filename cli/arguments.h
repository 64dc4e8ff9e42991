#pragma once
// Options of one `l1ra` command: `--name value`, `--name=value` and flags, each declared up front so that a
// misspelt option is an error, not silently ignored.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace l1ra::cli {

class Arguments {
public:
    // Throws l1ra::Error for unknown options, missing values or stray positional words.
    Arguments(const std::string& command, const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
              const std::set<std::string>& flagOptions);

    bool has(const std::string& name) const { return values_.count(name) || flags_.count(name); }
    bool flag(const std::string& name) const { return flags_.count(name) != 0; }
    std::optional<std::string> value(const std::string& name) const;
    std::string required(const std::string& name) const;
    std::vector<std::string> all(const std::string& name) const;   // a repeatable option, in order
    int integer(const std::string& name, int fallback) const;
    double real(const std::string& name, double fallback) const;
    uint64_t unsignedInteger(const std::string& name, uint64_t fallback) const;
    // --threads: 0 (all cores) or a positive count.
    int threads(int fallback = 0) const;

private:
    std::string command_;
    std::multimap<std::string, std::string> values_;
    std::set<std::string> flags_;
};

}  // namespace l1ra::cli
