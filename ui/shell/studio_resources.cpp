#include "shell/studio_resources.h"

#include <QtGlobal>

// Q_INIT_RESOURCE must be used from the global namespace.
static void initStudioResources() { Q_INIT_RESOURCE(studio); }

namespace l1ra::ui {

void ensureStudioResources() {
    static const bool done = (initStudioResources(), true);
    (void)done;
}

}  // namespace l1ra::ui
