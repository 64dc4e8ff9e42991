#include "arguments.h"
#include "commands.h"
#include "l1ra/error.h"
#include "l1ra/run_commands.h"

namespace l1ra::cli {

// Steers a run training in another process (a headless or data-parallel `l1ra train`): at its next step boundary.
int runControl(const Args& args, std::ostream& out, std::ostream&) {
    Arguments a("control", args, {"--run", "--lambda", "--budget"}, {"--stop", "--checkpoint", "--pause", "--resume"});
    const std::string run = a.required("--run");
    int sent = 0;
    if (a.has("--lambda")) sendRunCommand(run, RunCommand::Lambda, a.real("--lambda", 0)), ++sent;
    if (a.has("--budget")) sendRunCommand(run, RunCommand::Budget, a.real("--budget", 0)), ++sent;
    if (a.flag("--checkpoint")) sendRunCommand(run, RunCommand::Checkpoint), ++sent;
    if (a.flag("--pause") && a.flag("--resume")) throw Error("control: --pause and --resume together");
    if (a.flag("--pause")) sendRunCommand(run, RunCommand::Pause), ++sent;
    if (a.flag("--resume")) sendRunCommand(run, RunCommand::Resume), ++sent;
    if (a.flag("--stop")) sendRunCommand(run, RunCommand::Stop), ++sent;
    if (sent == 0) throw Error("control: give --lambda X, --budget N, --checkpoint, --pause, --resume or --stop");
    out << sent << (sent == 1 ? " command" : " commands") << " left in " << run << "/commands; the run applies "
        << (sent == 1 ? "it" : "them") << " at its next step (see its events.jsonl)\n";
    return 0;
}

}  // namespace l1ra::cli
