#pragma once
// The training methods. Run configs, summaries and the command line spell them "l1ra", "lora" and "full".
#include "l1ra/api.h"

#include <string>

L1RA_API_BEGIN
namespace l1ra {

enum class Method {
    L1RA,   // gated LoRA: L1 on the gates, pruned ranks handed to other adapters under a fixed budget
    LoRA,   // plain LoRA: every adapter keeps its rank, no gates
    Full,   // every weight of the model trained, no adapters
};

// "l1ra", "lora" or "full".
const char* methodName(Method method);
// The method a name spells into *method; false (and *method unchanged) when the name is none of them.
bool parseMethod(const std::string& name, Method* method);
// The method a name spells; throws l1ra::Error "<what>: method must be l1ra, lora or full" otherwise.
Method methodFromName(const std::string& name, const std::string& what);

inline bool hasAdapters(Method method) { return method != Method::Full; }
inline bool hasGates(Method method) { return method == Method::L1RA; }

}  // namespace l1ra
L1RA_API_END
