#include "arguments.h"
#include "commands.h"
#include "l1ra/error.h"
#include "l1ra/prompt_template.h"
#include "model_options.h"

#include <nlohmann/json.hpp>

namespace l1ra::cli {

int runGenerate(const Args& args, std::ostream& out, std::ostream&) {
    Arguments a("generate", args,
                withModelOptions({"--prompt", "--instruction", "--input", "--max-new-tokens", "--temperature", "--top-p", "--seed"}),
                {"--json"});
    if (a.has("--prompt") == a.has("--instruction")) throw Error("give exactly one of --prompt and --instruction");
    // --instruction wraps the text in the template instruction data is trained with (docs/data-formats.md).
    const std::string prompt = a.has("--prompt") ? *a.value("--prompt")
                                                 : alpacaPrompt(*a.value("--instruction"), a.value("--input").value_or(""));
    GenerationOptions g;
    g.maxNewTokens = a.integer("--max-new-tokens", 64);
    g.temperature = a.real("--temperature", 0.0);
    g.topP = a.real("--top-p", 1.0);
    g.seed = a.unsignedInteger("--seed", 0);
    auto model = loadModelFrom(a);
    const auto promptIds = model->encode(prompt);
    const bool json = a.flag("--json");
    // Decoded incrementally with the prompt in front, so that word-initial spaces come out right.
    std::vector<int64_t> shown(promptIds.begin() + (promptIds.empty() ? 0 : 1), promptIds.end());
    std::string printed = model->decode(shown);
    if (!json) out << prompt << std::flush;
    const auto ids = model->generate(promptIds, g, [&](int64_t id) {
        if (!json && !model->isStop(id)) {
            shown.push_back(id);
            const std::string text = model->decode(shown);
            if (text.size() > printed.size() && text.compare(0, printed.size(), printed) == 0) {
                out << text.substr(printed.size()) << std::flush;
                printed = text;
            }
        }
        return true;
    });
    if (json) {
        std::vector<int64_t> visible = ids;
        if (!visible.empty() && model->isStop(visible.back())) visible.pop_back();
        out << nlohmann::json{{"prompt", prompt}, {"prompt_ids", promptIds}, {"ids", ids},
                              {"text", model->decode(visible)}}.dump() << "\n";
    } else {
        out << "\n";
    }
    return 0;
}

}  // namespace l1ra::cli
