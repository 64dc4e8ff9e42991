#pragma once
// The reading side of run_commands.h: the commands waiting in a run folder, taken (deleted) in the order sent.
#include "l1ra/run_commands.h"

#include <string>
#include <vector>

namespace l1ra {

struct InboxCommand {
    RunCommand command = RunCommand::Stop;
    double value = 0;
    std::string file;
    std::string error;   // not empty: the file was not a valid command (it is deleted all the same)
};

std::vector<InboxCommand> takeRunCommands(const std::string& runDir);

}  // namespace l1ra
