#pragma once
// The studio's embedded resources (resources/studio.qrc: presets, icons) live in the static l1ra_ui library,
// whose registration the linker may drop: call this before reading ":/..." paths.
namespace l1ra::ui {

void ensureStudioResources();

}  // namespace l1ra::ui
