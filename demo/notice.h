#pragma once
// NOTICE.md for generated demo data: what came from which package, and each package's copyright file
// copied verbatim. WordNet's licence requires its notice on every copy of the database, derived ones too.
#include <string>

namespace l1ra::demo {

struct DemoSources;

// Reads <docDir>/{wordnet-base,bsdgames}/copyright and the copyright files of fortunes-min and fortunes
// (at least one; identical texts are printed once). Throws l1ra::Error naming a missing file.
std::string noticeMarkdown(const DemoSources& sources);

}  // namespace l1ra::demo
