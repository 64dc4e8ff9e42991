#include "arguments.h"
#include "commands.h"
#include "l1ra/model_info.h"

namespace l1ra::cli {

int runInfo(const Args& args, std::ostream& out, std::ostream&) {
    Arguments a("info", args, {"--model"}, {});
    out << modelInfoToJson(inspectModel(a.required("--model"))) << "\n";
    return 0;
}

}  // namespace l1ra::cli
