#include "demo_test_support.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace l1ra::demo::test {

void writeFile(const std::string& path, const std::string& bytes) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

DemoSources writeSampleSources(const std::string& root) {
    DemoSources sources;
    sources.wordnetDir = root + "/wordnet";
    sources.bsdgamesDir = root + "/bsdgames";
    sources.fortunesDir = root + "/fortunes";
    sources.docDir = root + "/doc";

    // WordNet. Definitions expected: able (tag count 50), dog (42), run (30), quickly (20), handy (2).
    // Not asked: lexicon (never tagged), entity (definition too long), chair (definition uses the word),
    // domestic_dog (two words), ready_to_hand (two words).
    const std::string header = "  1 This software and database is being provided to you, the LICENSEE, by  \n"
                               "  2 Princeton University under the following license.  \n";
    writeFile(sources.wordnetDir + "/data.noun",
              header +
                  "00001740 03 n 01 entity 0 001 ~ 00001930 n 0000 | that which is perceived or known or inferred to "
                  "have its own distinct existence (living or nonliving)  \n"
                  "02084071 05 n 02 dog 0 domestic_dog 0 001 @ 02083346 n 0000 | a member of the genus Canis that has "
                  "been domesticated by man; occurs in many breeds; \"the dog barked all night\"  \n"
                  "10114209 18 n 01 dog 1 000 | informal term for a man; \"you lucky dog\"  \n"
                  "06282651 10 n 01 lexicon 0 000 | a language user's knowledge of words  \n"
                  "03001627 06 n 01 chair 0 000 | a seat for one person, with a chair back  \n");
    writeFile(sources.wordnetDir + "/data.verb",
              header + "01926311 38 v 01 run 0 000 | move fast by using one's feet; \"Don't run--you'll be out of "
                       "breath\"; \"The children ran to the store\"  \n");
    writeFile(sources.wordnetDir + "/data.adj",
              header + "00001740 00 a 01 able 0 000 | (usually followed by `to') having the necessary means or skill "
                       "or know-how; \"able to swim\"  \n"
                       "00019731 00 s 02 handy 0 ready_to_hand(p) 0 001 & 00019131 a 0000 | easy to reach; \"found a "
                       "handy spot for the can opener\"  \n");
    writeFile(sources.wordnetDir + "/data.adv",
              header + "00019339 02 r 01 quickly 0 000 | with rapid movements; \"he works quickly\"  \n");
    writeFile(sources.wordnetDir + "/index.noun", header +
                                                      "chair n 1 0 1 1 03001627  \n"
                                                      "dog n 2 1 @ 2 1 02084071 10114209  \n"
                                                      "domestic_dog n 1 1 @ 1 0 02084071  \n"
                                                      "entity n 1 1 ~ 1 1 00001740  \n"
                                                      "lexicon n 1 0 1 0 06282651  \n");
    writeFile(sources.wordnetDir + "/index.verb", header + "run v 1 0 1 1 01926311  \n");
    writeFile(sources.wordnetDir + "/index.adj", header +
                                                     "able a 1 0 1 1 00001740  \n"
                                                     "handy a 1 0 1 1 00019731  \n"
                                                     "ready_to_hand a 1 0 1 0 00019731  \n");
    writeFile(sources.wordnetDir + "/index.adv", header + "quickly r 1 0 1 1 00019339  \n");
    writeFile(sources.wordnetDir + "/cntlist.rev",
              "able%3:00:00:: 1 50\n"
              "chair%1:06:00:: 1 5\n"
              "dog%1:05:00:: 1 42\n"
              "dog%1:18:00:: 2 1\n"
              "entity%1:03:00:: 1 11\n"
              "handy%5:00:00:accessible:00 1 2\n"
              "quickly%4:02:00:: 1 20\n"
              "run%2:38:00:: 1 30\n");

    // Quiz. The index names files by absolute paths elsewhere, as Debian's does.
    writeFile(sources.bsdgamesDir + "/quiz/index",
              "/usr/share/games/bsdgames/quiz/africa:Africa{n}:cap{ital}\n"
              "/usr/share/games/bsdgames/quiz/pres:pres{ident}:term:vice:succ{essor}\n"
              "/usr/share/games/bsdgames/quiz/colours:colo{u}r{-name}:mood\n");
    // Expected: Algeria, Cote d'Ivoire, Cameroon (Yaounde); Atlantis has no answer.
    writeFile(sources.bsdgamesDir + "/quiz/africa",
              "Algeria:Algiers\n"
              "C[^o|o^|o]te d'Ivoire:Yamoussoukro\n"
              "Cameroon:Yaound['e|e'|e]\n"
              "Atlantis:\n");
    // One record over two lines: term, vice president and successor of George Washington.
    writeFile(sources.bsdgamesDir + "/quiz/pres",
              "{G{eorge} }Washington:1789-{17}97:{J{ohn} }Adams:\\\n"
              "{J{ohn} }Adams\n");
    // A topic without a hand-written phrasing: asked through the index's column names. "gok" is dropped.
    writeFile(sources.bsdgamesDir + "/quiz/colours",
              "red:angry\n"
              "blue:sad|gloomy\n"
              "green:gok\n");

    // Acronyms: ATM twice (general and computing), the swear word dropped, "GVFS" split at spaces.
    writeFile(sources.bsdgamesDir + "/acronyms",
              "$NetBSD: acronyms,v 1.1 2018/01/13 $\n"
              "ATM\tat the moment\n"
              "BRB\t[I'll] be right back\n"
              "PITA\tpain in the ass\n");
    writeFile(sources.bsdgamesDir + "/acronyms.comp",
              "$NetBSD: acronyms.comp,v 1.1 2018/03/01 $\n"
              "AAA\tauthentication, authorization, [and] accounting\n"
              "ATM\t{asynchronous,async} transfer mode\n"
              "GVFS    git virtual file system\n");

    // Fortunes: three records in "wisdom", two in "art" (one of them ASCII art, left out of the corpus),
    // and files that must never be read: the index, the UTF-8 link, the offensive folder.
    writeFile(sources.fortunesDir + "/wisdom",
              "Look before you leap.\n%\nHe who hesitates\n\n\tis lost.\n%\n%\nA _\bg_\bo_\bo_\bd day.\n%\n");
    writeFile(sources.fortunesDir + "/wisdom.dat", std::string("\x00\x00\x00\x02\x00\x00\x00\x03", 8));
    writeFile(sources.fortunesDir + "/art", "  /\\_/\\\n ( o.o )\n  > ^ <\n%\nArt is long, and time is fleeting.\n");
    std::filesystem::create_symlink("wisdom", sources.fortunesDir + "/wisdom.u8");
    writeFile(sources.fortunesDir + "/off/rude", "NEVER READ THIS\n%\n");

    writeFile(sources.docDir + "/wordnet-base/copyright",
              "License: WordNet3.0\n WordNet 3.0 Copyright 2006 by Princeton University.  All rights reserved.\n");
    writeFile(sources.docDir + "/bsdgames/copyright", "Copyright (c) 1980 The Regents of the University of California.\n");
    writeFile(sources.docDir + "/fortunes-min/copyright", "Copyright (c) 1991 The Regents (fortune-mod).\n");
    writeFile(sources.docDir + "/fortunes/copyright", "Copyright (c) 1991 The Regents (fortune-mod).\n");
    return sources;
}

std::vector<AlpacaRecord> readAlpacaFile(const std::string& path) {
    std::vector<AlpacaRecord> records;
    std::istringstream in(readFile(path));
    std::size_t lineNumber = 0;
    for (std::string line; std::getline(in, line);) {
        ++lineNumber;
        const std::string where = path + ":" + std::to_string(lineNumber) + ": ";
        nlohmann::ordered_json record;
        try {
            record = nlohmann::ordered_json::parse(line);
        } catch (const nlohmann::json::exception& e) {
            throw std::runtime_error(where + "not JSON: " + e.what());
        }
        if (!record.is_object() || record.size() != 3) throw std::runtime_error(where + "not an object of three keys");
        const char* expected[] = {"instruction", "input", "output"};
        std::size_t k = 0;
        for (auto it = record.begin(); it != record.end(); ++it, ++k) {
            if (it.key() != expected[k]) throw std::runtime_error(where + "unexpected key " + it.key());
            if (!it.value().is_string()) throw std::runtime_error(where + it.key() + " is not a string");
        }
        records.push_back({record["instruction"].get<std::string>(), record["input"].get<std::string>(),
                           record["output"].get<std::string>()});
    }
    return records;
}

}  // namespace l1ra::demo::test
