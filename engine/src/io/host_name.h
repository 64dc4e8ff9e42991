#pragma once
#include <string>

namespace l1ra {

// This machine's name (gethostname), "localhost" when it has none.
std::string hostName();

}  // namespace l1ra
