#pragma once
// One function per `l1ra` command; each parses its own options and returns an exit status.
#include <ostream>
#include <string>
#include <vector>

namespace l1ra::cli {

using Args = std::vector<std::string>;

struct Command {
    const char* name;
    const char* summary;
    const char* usage;
    int (*run)(const Args& args, std::ostream& out, std::ostream& err);
};

const std::vector<Command>& commands();

int runInfo(const Args& args, std::ostream& out, std::ostream& err);
int runLogits(const Args& args, std::ostream& out, std::ostream& err);
int runGenerate(const Args& args, std::ostream& out, std::ostream& err);
int runTrain(const Args& args, std::ostream& out, std::ostream& err);
int runResume(const Args& args, std::ostream& out, std::ostream& err);
int runEval(const Args& args, std::ostream& out, std::ostream& err);
int runBench(const Args& args, std::ostream& out, std::ostream& err);
int runExport(const Args& args, std::ostream& out, std::ostream& err);
int runConfig(const Args& args, std::ostream& out, std::ostream& err);
int runDemo(const Args& args, std::ostream& out, std::ostream& err);
int runCompare(const Args& args, std::ostream& out, std::ostream& err);
int runTokenize(const Args& args, std::ostream& out, std::ostream& err);
int runPlan(const Args& args, std::ostream& out, std::ostream& err);
int runSweep(const Args& args, std::ostream& out, std::ostream& err);
int runControl(const Args& args, std::ostream& out, std::ostream& err);
std::string runConfigMarkdownTable();

}  // namespace l1ra::cli
