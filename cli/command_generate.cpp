#include "arguments.h"
#include "commands.h"
#include "l1ra/error.h"
#include "model_options.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace l1ra::cli {

int runGenerate(const Args& args, std::ostream& out, std::ostream& err) {
    Arguments a("generate", args,
                withModelOptions({"--prompt", "--instruction", "--input", "--max-new-tokens", "--temperature", "--top-p", "--seed"}),
                {"--json"});
    if (a.has("--prompt") == a.has("--instruction")) throw Error("give exactly one of --prompt and --instruction");
    GenerationOptions g;
    g.maxNewTokens = a.integer("--max-new-tokens", 64);
    g.temperature = a.real("--temperature", 0.0);
    g.topP = a.real("--top-p", 1.0);
    g.seed = a.unsignedInteger("--seed", 0);
    auto model = loadModelFrom(a);
    // --instruction is formatted the way the model (or the adapter's run) formats instructions: its chat template
    // or the plain ### format (docs/chat-templates.md); --prompt is taken as it is.
    const bool instruction = a.has("--instruction");
    const std::string prompt = instruction ? model->instructionPrompt(*a.value("--instruction"), a.value("--input").value_or(""))
                                           : *a.value("--prompt");
    if (instruction) {
        err << "prompt format: " << model->promptFormat() << "\n";
        if (!model->promptFormatWarning().empty()) err << "warning: " << model->promptFormatWarning() << "\n";
    }
    const auto promptIds = instruction ? model->encodePrompt(prompt) : model->encode(prompt);
    const bool json = a.flag("--json");
    if (!json) out << prompt << std::flush;
    // Text as it completes: a character split over byte tokens is printed once its last byte arrives.
    StreamingDecoder stream(model->tokenizer(), /*skipSpecial=*/true);
    stream.prime(promptIds);
    const auto ids = model->generate(promptIds, g, [&](int64_t id) {
        if (!json && !model->isStop(id)) out << stream.push(id) << std::flush;
        return true;
    });
    if (json) {
        std::vector<int64_t> visible = ids;
        if (!visible.empty() && model->isStop(visible.back())) visible.pop_back();
        out << nlohmann::json{{"prompt", prompt}, {"prompt_ids", promptIds}, {"ids", ids},
                              {"text", model->decode(visible)}}.dump() << "\n";
    } else {
        out << stream.flush() << "\n";
    }
    return 0;
}

}  // namespace l1ra::cli
