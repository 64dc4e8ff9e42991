// The desktop studio (start-up and everything else live in ui/).
#include "shell/studio_app.h"

int main(int argc, char** argv) { return l1ra::ui::runStudio(argc, argv); }
