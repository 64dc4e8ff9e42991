#include "arguments.h"
#include "commands.h"
#include "interruptible_run.h"
#include "l1ra/demo.h"
#include "l1ra/error.h"
#include "training_progress.h"

#include <unistd.h>

#include <iostream>

namespace l1ra::cli {

int runDemo(const Args& args, std::ostream& out, std::ostream& err) {
    if (args.empty()) throw Error("demo: say what to do: prepare, data or pretrain (see l1ra help demo)");
    const std::string what = args[0];
    const Args rest(args.begin() + 1, args.end());
    if (what == "prepare") {
        Arguments a("demo prepare", rest, {"--out", "--base"}, {});
        const DemoFolder d = prepareDemo(a.required("--out"), a.value("--base").value_or(""),
                                         [&](const std::string& s) { out << s << std::endl; });
        // Quoted: the studio's default demo folder lives under ".../L1RA Studio/".
        out << "train it:   l1ra train --config '" << d.runConfig << "' --out RUN_DIR\n"
            << "or open the studio: l1ra-studio --demo-dir '" << d.dir << "'\n";
        return 0;
    }
    if (what == "data") {
        Arguments a("demo data", rest, {"--out", "--seed"}, {});
        const DemoDataSummary s = buildDemoDataFolder(a.required("--out"), a.unsignedInteger("--seed", 1234));
        out << "corpus: " << s.corpusTrainBytes << " + " << s.corpusValBytes << " bytes; task: " << s.taskRecords
            << " records\n";
        return 0;
    }
    if (what == "pretrain") {
        Arguments a("demo pretrain", rest, {"--data", "--out", "--steps", "--threads", "--run", "--seed"}, {"--json"});
        DemoPretrainOptions o;
        o.steps = a.integer("--steps", o.steps);
        o.threads = a.threads(o.threads);
        o.seed = a.unsignedInteger("--seed", o.seed);
        o.runDir = a.value("--run").value_or("");
        const bool json = a.flag("--json");
        TrainingProgress progress(out, err,
                                  json ? TrainingProgress::Style::Json
                                       : (&out == &std::cout && ::isatty(STDOUT_FILENO) ? TrainingProgress::Style::Bar
                                                                                        : TrainingProgress::Style::Lines));
        pretrainDemoModel(a.required("--data"), a.required("--out"), o, &progress);
        out << "wrote the demo base model to " << *a.value("--out") << "\n";
        return 0;
    }
    throw Error("demo: unknown step '" + what + "' (prepare, data or pretrain)");
}

}  // namespace l1ra::cli
