#include "local_workers.h"

#include "l1ra/error.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace l1ra::cli {

namespace {

std::atomic<int> pendingSignal{0};

void rememberSignal(int signal) { pendingSignal = signal; }

// A port the kernel had free a moment ago (rank 0's store binds it next; torchrun picks its port the same way).
int freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw Error(std::string("cannot open a socket to find a free port: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    if (!ok) throw Error(std::string("cannot find a free local port for the processes to meet: ") + std::strerror(errno));
    return ntohs(address.sin_port);
}

std::string selfExecutable() {
    char path[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n <= 0) throw Error("cannot find this program's own path (/proc/self/exe) to start the worker processes");
    return std::string(path, std::size_t(n));
}

bool isWorkerVariable(const std::string& entry) {
    for (const char* name : {"RANK=", "LOCAL_RANK=", "WORLD_SIZE=", "LOCAL_WORLD_SIZE=", "MASTER_ADDR=", "MASTER_PORT="})
        if (entry.rfind(name, 0) == 0) return true;
    return false;
}

std::string describeStatus(int status) {
    if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
    return "exited with status " + std::to_string(WEXITSTATUS(status));
}

int exitCode(int status) { return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status); }

}  // namespace

std::vector<std::string> withoutOption(const std::vector<std::string>& args, const std::string& name) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == name) {
            ++i;   // and its value
            continue;
        }
        if (args[i].rfind(name + "=", 0) == 0) continue;
        out.push_back(args[i]);
    }
    return out;
}

namespace {

constexpr const char* kLauncherVariable = "L1RA_LAUNCHER_PID";

// Starts `exe args` as process `rank` of `nproc` with the torchrun variables set; 0 or posix_spawn's error.
int spawnWorker(const std::string& exe, const std::vector<std::string>& args, const std::vector<std::string>& baseEnvironment,
                int rank, int nproc, int port, const std::string& rank0Output, pid_t* pid) {
    std::vector<std::string> environment = baseEnvironment;
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"RANK", std::to_string(rank)}, {"LOCAL_RANK", std::to_string(rank)}, {"WORLD_SIZE", std::to_string(nproc)},
             {"LOCAL_WORLD_SIZE", std::to_string(nproc)}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", std::to_string(port)},
             {kLauncherVariable, std::to_string(::getpid())}})
        environment.push_back(name + "=" + value);
    std::vector<char*> envp, argv;
    for (auto& e : environment) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> argStrings{exe};
    argStrings.insert(argStrings.end(), args.begin(), args.end());
    for (auto& a : argStrings) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (rank == 0 && !rank0Output.empty())
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, rank0Output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = ::posix_spawn(pid, exe.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

void signalAll(const std::vector<pid_t>& pids, int signal) {
    for (pid_t pid : pids)
        if (pid > 0) ::kill(pid, signal);
}

// Waits for every worker. A Ctrl-C or SIGTERM is passed on to all of them; when one fails, the others get
// `graceSeconds` to stop on their own, then SIGTERM, then SIGKILL. The first failure's exit code, 0 if none.
int superviseWorkers(std::vector<pid_t>& pids, std::ostream& err, int graceSeconds) {
    using Clock = std::chrono::steady_clock;
    const int nproc = int(pids.size());
    int running = nproc, firstFailure = 0;
    Clock::time_point failedAt{};
    bool terminated = false, interrupted = false;
    while (running > 0) {
        if (const int signal = pendingSignal.exchange(0)) {
            interrupted = true;
            signalAll(pids, signal);
        }
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            for (std::size_t rank = 0; rank < pids.size(); ++rank) {
                if (pids[rank] != pid) continue;
                pids[rank] = -1;
                --running;
                if (status != 0 && firstFailure == 0) {
                    firstFailure = exitCode(status);
                    failedAt = Clock::now();
                    if (!interrupted) {   // after a Ctrl-C every process ends "stopped": nothing to explain
                        err << "l1ra: rank " << rank << " of " << nproc << " " << describeStatus(status);
                        if (running > 0) err << "; waiting up to " << graceSeconds << " s for the other processes to stop";
                        err << std::endl;
                    }
                }
            }
            continue;
        }
        if (firstFailure != 0 && running > 0 && Clock::now() - failedAt > std::chrono::seconds(graceSeconds)) {
            // SIGTERM asks for a stop with a checkpoint; a process stuck in a collective does not get there.
            signalAll(pids, terminated ? SIGKILL : SIGTERM);
            if (!terminated) err << "l1ra: the other processes did not stop on their own; terminating them" << std::endl;
            terminated = true;
            failedAt = Clock::now() - std::chrono::seconds(graceSeconds) + std::chrono::seconds(10);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return firstFailure;
}

}  // namespace

int runLocalWorkers(const std::vector<std::string>& args, int nproc, std::ostream& err, const std::string& rank0Output, int graceSeconds) {
    const std::string exe = selfExecutable();
    const int port = freeLoopbackPort();
    std::vector<std::string> baseEnvironment;
    for (char** e = environ; *e; ++e)
        if (!isWorkerVariable(*e)) baseEnvironment.push_back(*e);

    struct sigaction forward{}, oldInt{}, oldTerm{};
    forward.sa_handler = rememberSignal;
    sigemptyset(&forward.sa_mask);
    ::sigaction(SIGINT, &forward, &oldInt);
    ::sigaction(SIGTERM, &forward, &oldTerm);
    const auto restoreSignals = [&] {
        ::sigaction(SIGINT, &oldInt, nullptr);
        ::sigaction(SIGTERM, &oldTerm, nullptr);
    };

    std::vector<pid_t> pids(std::size_t(nproc), -1);
    for (int rank = 0; rank < nproc; ++rank) {
        pid_t pid = -1;
        const int rc = spawnWorker(exe, args, baseEnvironment, rank, nproc, port, rank0Output, &pid);
        if (rc != 0) {
            signalAll(pids, SIGTERM);
            for (pid_t p : pids)
                if (p > 0) ::waitpid(p, nullptr, 0);
            restoreSignals();
            throw Error("cannot start worker process " + std::to_string(rank) + " (" + exe + "): " + std::strerror(rc));
        }
        pids[std::size_t(rank)] = pid;
    }
    const int firstFailure = superviseWorkers(pids, err, graceSeconds);
    restoreSignals();
    return firstFailure;
}

void stopWithTheLauncher() {
    const char* launcher = std::getenv(kLauncherVariable);
    if (!launcher) return;
    // The kernel sends SIGTERM when the parent dies; the parent may have died before this call (then it is not ours).
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (std::to_string(::getppid()) != launcher) ::raise(SIGTERM);
}

}  // namespace l1ra::cli
