#include "arguments.h"
#include "commands.h"
#include "l1ra/error.h"
#include "l1ra/run_config.h"

#include <sstream>

namespace l1ra::cli {

namespace {

const char* kindName(FieldKind k) {
    switch (k) {
        case FieldKind::Integer: return "integer";
        case FieldKind::Real: return "number";
        case FieldKind::Boolean: return "boolean";
        case FieldKind::Text: return "text";
        case FieldKind::Choice: return "choice";
        case FieldKind::TextList: return "list";
        case FieldKind::Texts: return "texts";
        case FieldKind::Path: return "path";
    }
    return "?";
}

std::string numberText(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
}

}  // namespace

// The reference table of docs/run-config.md, generated from the schema so that the two never disagree.
std::string runConfigMarkdownTable() {
    std::ostringstream out;
    out << "| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n";
    for (const auto& f : runConfigFields()) {
        std::string allowed;
        if (!f.choices.empty()) {
            for (const auto& c : f.choices) allowed += (allowed.empty() ? "" : ", ") + c;
        } else if (f.min != 0 || f.max != 0) {
            allowed = numberText(f.min) + " … " + numberText(f.max);
        }
        if (f.logScale) allowed += allowed.empty() ? "log scale" : " (log scale)";
        out << "| `" << f.key << "` | " << kindName(f.kind) << " | `" << f.defaultJson << "` | " << allowed << " | " << f.help << " |\n";
    }
    return out.str();
}

int runConfig(const Args& args, std::ostream& out, std::ostream&) {
    Arguments a("config", args, {"--check", "--set"}, {"--defaults", "--markdown"});
    if (a.flag("--markdown")) {
        out << runConfigMarkdownTable();
        return 0;
    }
    RunConfig c;
    if (auto path = a.value("--check")) c = loadRunConfig(*path);
    for (const auto& assignment : a.all("--set")) applyRunConfigAssignment(c, assignment);
    if (a.has("--check")) validateRunConfig(c);
    out << runConfigToJson(c) << "\n";
    return 0;
}

}  // namespace l1ra::cli
