// Fuzz target: a run config file followed by `--set key=value` assignments. The input is the JSON text, then
// optionally a line "#set" and one assignment per line.
#include "fuzz_support.h"
#include "l1ra/error.h"
#include "l1ra/run_config.h"

#include <cstdlib>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [json, sets] = l1ra::fuzz::splitAt(l1ra::fuzz::asString(data, size), "\n#set\n");
    const std::string source = "fuzz/run.json";
    l1ra::RunConfig config;
    try {
        config = l1ra::parseRunConfig(json, source);
    } catch (const l1ra::Error& e) {
        l1ra::fuzz::requireMentions(e, source);
        return 0;
    }
    std::istringstream lines(sets);
    std::string line;
    while (std::getline(lines, line)) {
        try {
            l1ra::applyRunConfigAssignment(config, line);
        } catch (const l1ra::Error& e) {
            l1ra::fuzz::requireMentions(e, "--set");
        }
    }
    // Whatever was accepted must survive the round trip through the resolved JSON the run folder stores.
    const std::string resolved = l1ra::runConfigToJson(config);
    try {
        const l1ra::RunConfig again = l1ra::parseRunConfig(resolved, "resolved");
        if (l1ra::runConfigToJson(again) != resolved) std::abort();
    } catch (const l1ra::Error& e) {
        std::fprintf(stderr, "the resolved config does not parse again: %s\n%s\n", e.what(), resolved.c_str());
        std::abort();
    }
    try {
        l1ra::validateRunConfig(config);
        l1ra::trainCommandLine(config, "out");
        l1ra::effectiveUpdateInterval(config);
        l1ra::effectiveThreshold(config);
    } catch (const l1ra::Error&) {
    }
    return 0;
}
