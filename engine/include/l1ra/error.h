#pragma once
// The one exception type the engine throws for bad input or impossible settings.
// Messages name the problem and the file or key it came from; front ends show them as they are.
#include <stdexcept>
#include <string>

namespace l1ra {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace l1ra
