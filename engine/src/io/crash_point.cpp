#include "io/crash_point.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <string>

namespace l1ra {

namespace {

struct CrashPlan {
    std::string point;   // empty: no crash planned
    long at = 0;         // which pass kills
    std::atomic<long> passes{0};

    CrashPlan() {
        const char* spec = std::getenv("L1RA_TEST_CRASH_AT");
        if (!spec) return;
        const std::string s = spec;
        const auto colon = s.rfind(':');
        point = s.substr(0, colon);
        at = colon == std::string::npos ? 1 : std::atol(s.c_str() + colon + 1);
    }
};

CrashPlan& plan() {
    static CrashPlan p;
    return p;
}

}  // namespace

void crashPoint(const char* point) {
    CrashPlan& p = plan();
    if (p.point.empty() || p.point != point) return;
    if (++p.passes == p.at) std::raise(SIGKILL);
}

}  // namespace l1ra
