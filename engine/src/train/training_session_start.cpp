// TrainingSession, starting a run: the processes joined, the model and its tokenizer loaded, the data read and
// tokenised once for the whole run, the trainer built, and the run folder created or its checkpoint restored.
#include "train/training_session_impl.h"

#include "io/model_folder.h"
#include "l1ra/error.h"
#include "l1ra/runtime.h"
#include "model/cpu_memory_meter.h"
#include "model/precision.h"
#include "text/data_records.h"
#include "train/data_parallel.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace l1ra {

namespace {

// ", weights 1.2 GiB (nf4), gradient checkpointing" for the model line of the log; nothing for the defaults.
std::string describeMemorySettings(const RunConfig& c, const LlamaModel& model) {
    std::string text;
    if (c.model.baseDtype != "bf16") {
        char buf[64];
        std::snprintf(buf, sizeof(buf), ", weights %.2f GiB (%s)", double(model.weightBytes()) / double(1 << 30), c.model.baseDtype.c_str());
        text += buf;
    }
    if (c.train.gradientCheckpointing) text += ", gradient checkpointing";
    return text;
}

std::string formatCount(int64_t n) {
    std::ostringstream s;
    if (n >= 1000000) s << double(n) / 1e6 << " M";
    else if (n >= 1000) s << double(n) / 1e3 << " k";
    else s << n;
    return s.str();
}

}  // namespace

bool TrainingSession::Impl::prepare() {
    emitState(RunState::Preparing, resuming ? "resuming" : "loading");
    // Processes on one machine share its cores.
    setThreadCount(config.threads > 0 || processes.localWorldSize <= 1 ? config.threads
                                                                       : std::max(1, defaultThreadCount() / processes.localWorldSize));
    joinProcesses();
    device = resolveDevice(config.device);
    const torch::Device dev(device);
    const torch::ScalarType precision = resolvePrecision(config.train.precision, dev);
    if (dev.is_cpu()) applyCpuMemoryLimitFromEnvironment();

    Loaded loaded;
    loadModel(loaded, precision);
    if (stopAsked()) return false;   // loading a large model takes a while: a stop should not wait for the data too
    loadData(loaded);
    const TrainerSettings settings = trainerSettings(precision, *loaded.tokenizer);
    if (stopAsked()) return false;
    trainer = std::make_unique<Trainer>(std::move(loaded.model), settings, std::move(loaded.train), std::move(loaded.val));
    trainer->setProcessGroup(group);
    if (!config.samples.prompts.empty() && writer()) startSamples(loaded);

    if (resuming) resumeFromCheckpoint();
    else startNewRun();
    if (group) {
        checkSameModel(*group, trainer->trainables(), trainer->adapterRanks(), "at the start (a resumed run needs its run folder shared)");
        log("data-parallel over " + std::to_string(group->size()) + " processes: " + std::to_string(group->size() * config.train.batchSize * config.train.gradAccum) +
            " sequences per step (" + std::to_string(group->size()) + " x train.batch_size " + std::to_string(config.train.batchSize) +
            (config.train.gradAccum > 1 ? " x train.grad_accum " + std::to_string(config.train.gradAccum) : "") + ")");
    }
    log(std::to_string(trainer->trainableParameterCount()) + " trainable parameters (" + methodName(config.method) + ")");
    return true;
}

// Frozen weights in the compute dtype (or quantised); full fine-tuning keeps fp32 master weights.
void TrainingSession::Impl::loadModel(Loaded& loaded, torch::ScalarType precision) {
    ModelFolder folder(config.model.path);
    loaded.stopIds = endOfSequenceIds(folder);
    const torch::ScalarType weightDtype = config.method != Method::Full && precision == torch::kBFloat16 ? torch::kBFloat16 : torch::kFloat32;
    const BaseWeightFormat base = baseWeightFormat(config.model.baseDtype, config.model.doubleQuant);
    loaded.model = std::make_unique<LlamaModel>(folder, torch::Device(device), weightDtype, base);
    if (folder.tokenizerPath().empty()) throw Error(config.model.path + ": no tokenizer.json or tokenizer.model; training needs the model's tokenizer");
    loaded.tokenizer = loadTokenizer(config.model.path);
    log("model " + config.model.path + ": " + std::to_string(folder.config().numLayers) + " layers, " +
        formatCount(loaded.model->parameterCount()) + " parameters, on " + describeDevice(device) + ", " +
        (precision == torch::kBFloat16 ? "bf16 autocast" : "f32") + describeMemorySettings(config, *loaded.model));
    log("tokenizer " + loaded.tokenizer->path() + " (" + loaded.tokenizer->kind() + ")");
}

// The data, tokenised once for the whole run; a validation set from data.val or held out of data.train.
void TrainingSession::Impl::loadData(Loaded& loaded) {
    std::string format;
    std::vector<DataRecord> trainRecords, valRecords;
    loaded.prompts = resolvePromptFormat(config.model.path, config.data.chatTemplate, *loaded.tokenizer);
    const PromptFormat* promptFormat = loaded.prompts.format.get();
    log("prompt format: " + promptFormat->description());
    if (!loaded.prompts.warning.empty()) log(loaded.prompts.warning, LogEvent::Level::Warning);
    auto records = readDataRecords(config.data.train, config.data.format, &format, promptFormat);
    if (!config.data.val.empty()) {
        trainRecords = std::move(records);
        // Detected on its own: a validation file need not share the training file's format, but it is worth saying.
        std::string valFormat;
        valRecords = readDataRecords(config.data.val, config.data.format, &valFormat, promptFormat);
        if (valFormat != format)
            log("data.val " + config.data.val + " is " + valFormat + " while data.train is " + format +
                    ": the validation loss measures another kind of text than the one trained on",
                LogEvent::Level::Warning);
    } else {
        splitRecords(std::move(records), config.data.valFraction, config.seed, &trainRecords, &valRecords);
    }
    loaded.train = tokenizeRecords(trainRecords, *loaded.tokenizer, config.train.seqLen);
    loaded.val = tokenizeRecords(valRecords, *loaded.tokenizer, config.train.seqLen);
    const TokenDataset& train = loaded.train;
    const TokenDataset& val = loaded.val;
    log("data " + config.data.train + " (" + format + "): " + std::to_string(train.sequences.size()) + " training sequences (" +
        formatCount(train.trainedTokens) + " trained tokens), " + std::to_string(val.sequences.size()) + " validation sequences" +
        (train.skippedRecords ? ", " + std::to_string(train.skippedRecords) + " records skipped (nothing left to train after cutting to train.seq_len)" : ""));
    if (train.sequences.empty())
        throw Error(config.data.train + ": no usable training sequences" +
                    (train.skippedRecords ? " (every record was skipped: nothing left to train after cutting to train.seq_len " +
                                                std::to_string(config.train.seqLen) + ")"
                                          : ""));
    const std::string heldOut = config.data.val.empty() ? config.data.train + " (the held-out data.val_fraction)" : config.data.val;
    if (val.sequences.empty() && keepsBestCheckpoint(config))
        throw Error(heldOut + ": no usable validation sequences, but " +
                    (config.eval.patience > 0 ? "'eval.patience' asks for early stopping" : "'checkpoint.keep_best' asks for the best checkpoint"));
    if (val.sequences.empty() && (!config.data.val.empty() || config.data.valFraction > 0))
        log(heldOut + ": no usable validation sequences; the run will not be evaluated", LogEvent::Level::Warning);
}

// The run config's sections as the trainer takes them.
TrainerSettings TrainingSession::Impl::trainerSettings(torch::ScalarType precision, const Tokenizer& tokenizer) const {
    TrainerSettings s;
    s.method = config.method;
    s.adapter.rank = config.adapter.rank;
    s.adapter.alpha = config.adapter.alpha;
    s.adapter.dropout = config.adapter.dropout;
    s.adapter.targets = config.adapter.targets;
    s.train = config.train;
    s.etaC = config.l1ra.etaC;
    s.allocator.reassign = config.l1ra.reassign;
    s.allocator.excludePruned = config.l1ra.excludePruned;
    s.allocator.keepStrongest = config.l1ra.keepStrongest;
    s.allocator.deadSingleRankReceives = config.l1ra.deadRankReceives;
    s.allocator.orderBySurvivors = config.l1ra.orderBySurvivors;
    s.allocator.fallBackToAll = config.l1ra.fallbackToAll;
    s.newRankInit = config.l1ra.newRankInit == "donor" ? AdapterSet::NewRankInit::Donor : AdapterSet::NewRankInit::Fresh;
    s.resetOptimizer = config.l1ra.resetOptimizer;
    s.evalBatches = config.eval.batches;
    s.seed = config.seed;
    s.autocast = precision;
    s.padId = tokenizer.eosId() >= 0 ? tokenizer.eosId() : 0;
    return s;
}

// samples.prompts answered during training stop where generation would: at the end of sequence or of a turn.
void TrainingSession::Impl::startSamples(Loaded& loaded) {
    std::vector<int64_t>& stopIds = loaded.stopIds;
    auto addStop = [&](int64_t id) {
        if (id >= 0 && std::find(stopIds.begin(), stopIds.end(), id) == stopIds.end()) stopIds.push_back(id);
    };
    addStop(loaded.tokenizer->eosId());
    for (const std::string& token : loaded.prompts.format->endOfTurnTokens()) addStop(loaded.tokenizer->tokenId(token));
    samples = std::make_unique<TrainingSamples>(config, loaded.tokenizer, std::shared_ptr<const PromptFormat>(loaded.prompts.format.release()),
                                                stopIds);
}

void TrainingSession::Impl::resumeFromCheckpoint() {
    const std::string ckpt = newestCheckpoint(runDir);
    state = loadCheckpoint(ckpt, *trainer);
    trainer->setLearningRateScale(state.lrScale);
    if (state.step >= config.train.steps)
        throw Error(runDir + ": the run already finished its " + std::to_string(config.train.steps) + " steps");
    if (state.stoppedEarly && config.eval.patience > 0 && state.evalsSinceBest >= config.eval.patience)
        throw Error(runDir + ": the run stopped early at step " + std::to_string(state.step) + " (no better validation loss in " +
                    std::to_string(state.evalsSinceBest) + " evaluations; eval.patience " + std::to_string(config.eval.patience) +
                    "); to train on, resume with --set eval.patience=0 or a larger patience");
    state.stoppedEarly = false;
    if (writer()) {
        files.emplace(RunFiles::reopen(runDir, state.step));
        removeBestCheckpointsAfter(runDir, state.step);
    } else {
        files.emplace(RunFiles::none());
    }
    log("resumed from " + ckpt + " at step " + std::to_string(state.step));
    if (state.pendingBudget > 0)
        log("a budget of " + std::to_string(state.pendingBudget) + " requested before the stop " + budgetTiming());
}

void TrainingSession::Impl::startNewRun() {
    state.lambda = config.l1ra.lambda;
    state.budget = config.l1ra.budget > 0 ? config.l1ra.budget : trainer->initialBudget();
    if (trainer->gated() && state.budget < int(trainer->adapters().adapters().size()))
        throw Error("run config: 'l1ra.budget' (" + std::to_string(state.budget) + ") is below the number of adapters (" +
                    std::to_string(trainer->adapters().adapters().size()) + "): every adapter keeps at least one rank");
    if (!trainer->gated()) state.budget = trainer->initialBudget();
    files.emplace(writer() ? RunFiles::create(runDir, config) : RunFiles::none());
    snapshot();
}

// Data-parallel: waits for every process of the run (the rendezvous) before anything loads.
void TrainingSession::Impl::joinProcesses() {
    if (!processes.distributed()) return;
    log("data-parallel: rank " + std::to_string(processes.rank) + " of " + std::to_string(processes.worldSize) + ", joining at " +
        processes.masterAddress + ":" + std::to_string(processes.masterPort));
    group = std::make_shared<ProcessGroup>(processes);
}

}  // namespace l1ra
