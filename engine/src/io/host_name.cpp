#include "io/host_name.h"

#include <unistd.h>

namespace l1ra {

std::string hostName() {
    char name[256] = {0};
    if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
    return name;
}

}  // namespace l1ra
