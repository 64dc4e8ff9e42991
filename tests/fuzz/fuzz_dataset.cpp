// Fuzz target: a training data file read by the line readers. The first byte picks the format (auto, text,
// jsonl, alpaca, chat, sharegpt); the rest is the file.
#include "fuzz_support.h"
#include "l1ra/error.h"
#include "text/training_examples.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const char* const formats[] = {"auto", "text", "jsonl", "alpaca", "chat", "sharegpt"};
    if (size == 0) return 0;
    const std::string format = formats[data[0] % 6];
    const std::string path = l1ra::fuzz::writeInputFile(format == "text" ? "train.txt" : "train.jsonl",
                                                        l1ra::fuzz::asString(data + 1, size - 1));
    try {
        std::string resolved;
        const auto examples = l1ra::readTrainingExamples(path, format, &resolved);
        if (examples.empty() || resolved.empty()) std::abort();
        for (const auto& e : examples)
            if (e.kind == l1ra::TrainingExample::Kind::Conversation && e.messages.empty()) std::abort();
    } catch (const l1ra::Error& e) {
        l1ra::fuzz::requireMentions(e, path);
    }
    return 0;
}
