#include "l1ra/method.h"

#include "l1ra/error.h"

namespace l1ra {

const char* methodName(Method method) {
    switch (method) {
    case Method::L1RA: return "l1ra";
    case Method::LoRA: return "lora";
    case Method::Full: return "full";
    }
    return "l1ra";
}

bool parseMethod(const std::string& name, Method* method) {
    for (Method m : {Method::L1RA, Method::LoRA, Method::Full}) {
        if (name == methodName(m)) {
            *method = m;
            return true;
        }
    }
    return false;
}

Method methodFromName(const std::string& name, const std::string& what) {
    Method m = Method::L1RA;
    if (!parseMethod(name, &m)) throw Error(what + ": method must be l1ra, lora or full, not '" + name + "'");
    return m;
}

}  // namespace l1ra
