#include "arguments.h"
#include "commands.h"
#include "l1ra/error.h"
#include "l1ra/model_location.h"
#include "l1ra/text_tokenizer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace l1ra::cli {

static std::string readInput(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw Error("cannot read " + path + ": it is a folder, not a text file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int runTokenize(const Args& args, std::ostream& out, std::ostream& err) {
    Arguments a("tokenize", args, {"--model", "--text", "--file"}, {"--json", "--no-special"});
    if (a.has("--text") == a.has("--file")) throw Error("give exactly one of --text and --file");
    const std::string text = a.has("--text") ? *a.value("--text") : readInput(*a.value("--file"));
    const auto tokenizer = loadTokenizer(resolveModelFolder(a.required("--model")));
    err << "tokenizer: " << tokenizer->path() << " (" << tokenizer->kind() << ")\n";
    const std::vector<int64_t> ids = tokenizer->encode(text, !a.flag("--no-special"));
    if (a.flag("--json")) {
        std::vector<std::string> tokens;
        tokens.reserve(ids.size());
        for (int64_t id : ids) tokens.push_back(tokenizer->piece(id));
        const nlohmann::json j = {{"ids", ids}, {"tokens", tokens}};
        out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return 0;
    }
    for (std::size_t i = 0; i < ids.size(); ++i) out << (i ? " " : "") << ids[i];
    out << "\n";
    return 0;
}

}  // namespace l1ra::cli
