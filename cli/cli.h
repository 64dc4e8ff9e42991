#pragma once
// The headless `l1ra` command line. Kept out of app/ so that tests can run commands in-process.
#include <ostream>
#include <string>
#include <vector>

namespace l1ra::cli {

// args excludes the program name. Returns the exit status; errors go to `err` as "l1ra: <message>".
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace l1ra::cli
