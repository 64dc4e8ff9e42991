#pragma once
// The one exception type the engine throws for bad input or impossible settings.
// Messages name the problem and the file or key it came from; front ends show them as they are.
#include "l1ra/api.h"

#include <stdexcept>
#include <string>

L1RA_API_BEGIN
namespace l1ra {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace l1ra
L1RA_API_END
