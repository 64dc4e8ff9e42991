// The headless command line `l1ra`.
#include "cli.h"

#include <iostream>

int main(int argc, char** argv) { return l1ra::cli::run(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr); }
