#include "train/process_group.h"

#include "l1ra/error.h"

#include <cstdlib>
#include <string>

#ifdef L1RA_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace l1ra {

namespace {

int integerVariable(const char* name, int fallback, int low, int high) {
    const char* text = std::getenv(name);
    if (!text || !*text) return fallback;
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (*end != '\0' || value < low || value > high)
        throw Error(std::string("environment variable ") + name + "='" + text + "': expected a whole number from " + std::to_string(low) +
                    " to " + std::to_string(high));
    return int(value);
}

}  // namespace

std::optional<ProcessGroupSetup> processGroupFromEnvironment() {
    if (!std::getenv("WORLD_SIZE")) return std::nullopt;
    ProcessGroupSetup s;
    s.worldSize = integerVariable("WORLD_SIZE", 1, 1, 1 << 16);
    s.rank = integerVariable("RANK", -1, 0, s.worldSize - 1);
    if (s.rank < 0) throw Error("environment variable WORLD_SIZE is set but RANK is not: each process needs its RANK (0 to WORLD_SIZE-1)");
    s.localWorldSize = integerVariable("LOCAL_WORLD_SIZE", 1, 1, s.worldSize);
    s.localRank = integerVariable("LOCAL_RANK", s.rank % s.localWorldSize, 0, s.localWorldSize - 1);
    if (const char* addr = std::getenv("MASTER_ADDR"); addr && *addr) s.masterAddress = addr;
    s.masterPort = integerVariable("MASTER_PORT", s.masterPort, 1, 65535);
    s.timeoutSeconds = integerVariable("L1RA_DIST_TIMEOUT", s.timeoutSeconds, 1, 7 * 24 * 3600);
    return s;
}

#ifdef L1RA_WITH_GLOO

bool dataParallelAvailable() { return true; }

namespace {

bool loopback(const std::string& address) { return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1"; }

// A collective failed: most often another process died (its connection closed) or hung past the timeout.
[[noreturn]] void rethrow(const std::exception& e, const ProcessGroupSetup& s, const char* what) {
    std::string cause = e.what();
    cause = cause.substr(0, cause.find('\n'));
    throw Error("data-parallel " + std::string(what) + " failed on rank " + std::to_string(s.rank) + " of " + std::to_string(s.worldSize) +
                ": another training process stopped or cannot be reached (" + cause + ")");
}

}  // namespace

struct ProcessGroup::Impl {
    c10::intrusive_ptr<c10d::TCPStore> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;

    std::vector<c10::intrusive_ptr<c10d::Work>> started;   // startSum's, until waitForSums

    void run(std::vector<c10::intrusive_ptr<c10d::Work>> works) {
        for (auto& w : works) w->wait();
    }
};

ProcessGroup::ProcessGroup(const ProcessGroupSetup& setup) : setup_(setup), impl_(std::make_unique<Impl>()) {
    const auto timeout = std::chrono::milliseconds(int64_t(setup.timeoutSeconds) * 1000);
    try {
        c10d::TCPStoreOptions options;
        options.port = uint16_t(setup.masterPort);
        options.isServer = setup.rank == 0;
        options.numWorkers = size_t(setup.worldSize);
        options.waitWorkers = true;
        options.timeout = timeout;
        impl_->store = c10::make_intrusive<c10d::TCPStore>(setup.masterAddress, options);
        auto gloo = c10d::ProcessGroupGloo::Options::create(timeout);
        // On one machine the processes talk over loopback; across machines each binds the interface GLOO_SOCKET_IFNAME
        // names, or the one its host name resolves to.
        if (const char* iface = std::getenv("GLOO_SOCKET_IFNAME"); iface && *iface)
            gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(iface));
        else if (loopback(setup.masterAddress))
            gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        else
            gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, setup.rank, setup.worldSize, gloo);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        std::string cause = e.what();
        cause = cause.substr(0, cause.find('\n'));
        throw Error("data-parallel rendezvous at " + setup.masterAddress + ":" + std::to_string(setup.masterPort) + " failed on rank " +
                    std::to_string(setup.rank) + " of " + std::to_string(setup.worldSize) + " (" + cause +
                    "); every process needs the same MASTER_ADDR, MASTER_PORT and WORLD_SIZE, and rank 0 must be reachable");
    }
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::sum(std::vector<torch::Tensor>& tensors) {
    try {
        std::vector<c10::intrusive_ptr<c10d::Work>> works;
        for (auto& t : tensors) {
            std::vector<torch::Tensor> one{t};
            works.push_back(impl_->group->allreduce(one));
        }
        impl_->run(std::move(works));
    } catch (const std::exception& e) {
        rethrow(e, setup_, "gradient sum");
    }
}

void ProcessGroup::max(std::vector<torch::Tensor>& tensors) {
    try {
        std::vector<c10::intrusive_ptr<c10d::Work>> works;
        for (auto& t : tensors) {
            std::vector<torch::Tensor> one{t};
            c10d::AllreduceOptions options;
            options.reduceOp = c10d::ReduceOp::MAX;
            works.push_back(impl_->group->allreduce(one, options));
        }
        impl_->run(std::move(works));
    } catch (const std::exception& e) {
        rethrow(e, setup_, "consistency check");
    }
}

void ProcessGroup::broadcast(std::vector<torch::Tensor>& tensors, int root) {
    try {
        std::vector<c10::intrusive_ptr<c10d::Work>> works;
        for (auto& t : tensors) {
            std::vector<torch::Tensor> one{t};
            c10d::BroadcastOptions options;
            options.rootRank = root;
            works.push_back(impl_->group->broadcast(one, options));
        }
        impl_->run(std::move(works));
    } catch (const std::exception& e) {
        rethrow(e, setup_, "broadcast");
    }
}

void ProcessGroup::startSum(torch::Tensor tensor) {
    try {
        std::vector<torch::Tensor> one{std::move(tensor)};
        impl_->started.push_back(impl_->group->allreduce(one));
    } catch (const std::exception& e) {
        impl_->started.clear();
        rethrow(e, setup_, "gradient sum");
    }
}

void ProcessGroup::waitForSums() {
    auto works = std::move(impl_->started);
    impl_->started.clear();
    try {
        impl_->run(std::move(works));
    } catch (const std::exception& e) {
        rethrow(e, setup_, "gradient sum");
    }
}

#else

bool dataParallelAvailable() { return false; }

struct ProcessGroup::Impl {};

ProcessGroup::ProcessGroup(const ProcessGroupSetup& setup) : setup_(setup) {
    throw Error("data-parallel training needs LibTorch with Gloo and its headers (Debian: libgloo-dev); this build has neither");
}
ProcessGroup::~ProcessGroup() = default;
void ProcessGroup::sum(std::vector<torch::Tensor>&) {}
void ProcessGroup::max(std::vector<torch::Tensor>&) {}
void ProcessGroup::broadcast(std::vector<torch::Tensor>&, int) {}
void ProcessGroup::startSum(torch::Tensor) {}
void ProcessGroup::waitForSums() {}

#endif

}  // namespace l1ra
