// Writes the tokenizer.json fixtures of tests/data/tokenizers from a text corpus: a small BPE trained here
// (most frequent adjacent pair first, ties to the smaller pair), in the two layouts the engine must read:
//   byte-level-bpe/          Llama 3 style: GPT-2 bytes, Llama 3's split pattern, ignore_merges, BOS template
//   byte-fallback-legacy/    Llama 2 style: Prepend("▁") + Replace(" ", "▁") normalizer, <0xNN> byte fallback
//   byte-fallback-metaspace/ the same vocabulary behind a Metaspace pre-tokenizer (newer Llama 2 / Mistral files)
// Ids stay below 512, the vocabulary of the tiny-llama test model, so that the fixtures can drive it.
// Usage: make_tokenizer_fixtures CORPUS... OUT_DIR     (tests/data/tokenizers/README.md has the exact command)
#include "../engine/reference_bpe.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using nlohmann::ordered_json;

namespace {

using Symbols = std::vector<std::string>;
using Merge = std::pair<std::string, std::string>;

const char* const kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const std::string kMeta = "\xE2\x96\x81";   // ▁

// Words for training: a letter run with its leading space, digit runs, other runs (ASCII corpus).
std::vector<std::string> byteLevelWords(const std::string& text) {
    std::vector<std::string> words;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t j = i + (text[i] == ' ' && i + 1 < text.size() && std::isalpha(static_cast<unsigned char>(text[i + 1])) ? 1 : 0);
        auto same = [&](char c) {
            auto u = static_cast<unsigned char>(c);
            auto f = static_cast<unsigned char>(text[j]);
            return std::isalpha(f) ? std::isalpha(u) : std::isdigit(f) ? std::isdigit(u) : std::isspace(f) ? std::isspace(u) : std::ispunct(u);
        };
        std::size_t k = j + 1;
        while (k < text.size() && same(text[k])) ++k;
        words.push_back(text.substr(i, k - i));
        i = k;
    }
    return words;
}

std::vector<Merge> trainMerges(std::map<Symbols, long> words, std::size_t count) {
    std::vector<Merge> merges;
    while (merges.size() < count) {
        std::map<Merge, long> pairs;
        for (const auto& [symbols, n] : words)
            for (std::size_t i = 0; i + 1 < symbols.size(); ++i) pairs[{symbols[i], symbols[i + 1]}] += n;
        const Merge* best = nullptr;
        long bestCount = 0;   // pairs seen once still make valid merges: the fixture wants a few hundred
        for (const auto& [pair, n] : pairs)
            if (n > bestCount) best = &pair, bestCount = n;
        if (!best) break;
        const Merge m = *best;
        merges.push_back(m);
        std::map<Symbols, long> next;
        for (const auto& [symbols, n] : words) {
            Symbols merged;
            for (std::size_t i = 0; i < symbols.size(); ++i) {
                if (i + 1 < symbols.size() && symbols[i] == m.first && symbols[i + 1] == m.second) {
                    merged.push_back(m.first + m.second);
                    ++i;
                } else {
                    merged.push_back(symbols[i]);
                }
            }
            next[merged] += n;
        }
        words = std::move(next);
    }
    return merges;
}

ordered_json addedToken(int id, const std::string& content, bool special) {
    return {{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false}, {"rstrip", false},
            {"normalized", !special}, {"special", special}};
}

ordered_json bosTemplate(const std::string& bos, int id) {
    return {{"type", "TemplateProcessing"},
            {"single", {{{"SpecialToken", {{"id", bos}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
            {"pair", {{{"SpecialToken", {{"id", bos}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                      {{"SpecialToken", {{"id", bos}, {"type_id", 1}}}}, {{"Sequence", {{"id", "B"}, {"type_id", 1}}}}}},
            {"special_tokens", {{bos, {{"id", bos}, {"ids", {id}}, {"tokens", {bos}}}}}}};
}

void write(const std::filesystem::path& file, const ordered_json& j) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << j.dump(1) << "\n";
    std::cout << "wrote " << file.string() << "\n";
}

ordered_json vocabObject(const std::vector<std::string>& tokens) {
    ordered_json vocab = ordered_json::object();
    for (std::size_t i = 0; i < tokens.size(); ++i) vocab[tokens[i]] = i;
    return vocab;
}

ordered_json mergeList(const std::vector<Merge>& merges) {
    ordered_json list = ordered_json::array();
    for (const auto& [a, b] : merges) list.push_back({a, b});
    return list;
}

void writeByteLevel(const std::string& corpus, const std::filesystem::path& out) {
    std::map<Symbols, long> words;
    for (const std::string& w : byteLevelWords(corpus)) {
        Symbols s;
        for (const std::string& c : l1ra::test::utf8Chars(l1ra::test::gpt2Chars(w))) s.push_back(c);
        ++words[s];
    }
    std::vector<std::string> tokens;
    for (unsigned b = 0; b < 256; ++b) tokens.push_back(l1ra::test::gpt2Chars(std::string(1, char(b))));
    const std::vector<Merge> merges = trainMerges(words, 250);
    for (const auto& [a, b] : merges) tokens.push_back(a + b);
    const int first = int(tokens.size());
    ordered_json model = {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", nullptr},
                          {"end_of_word_suffix", nullptr}, {"fuse_unk", false}, {"byte_fallback", false}, {"ignore_merges", true},
                          {"vocab", vocabObject(tokens)}, {"merges", mergeList(merges)}};
    ordered_json pre = {{"type", "Sequence"},
                        {"pretokenizers",
                         {{{"type", "Split"}, {"pattern", {{"Regex", kLlama3Pattern}}}, {"behavior", "Isolated"}, {"invert", false}},
                          {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}}}}};
    ordered_json j = {{"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr},
                      {"added_tokens", {addedToken(first, "<|begin_of_text|>", true), addedToken(first + 1, "<|end_of_text|>", true),
                                        addedToken(first + 2, "<|eot_id|>", true), addedToken(first + 3, "<tool>", false)}},
                      {"normalizer", nullptr}, {"pre_tokenizer", pre}, {"post_processor", bosTemplate("<|begin_of_text|>", first)},
                      {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
                      {"model", model}};
    write(out / "byte-level-bpe" / "tokenizer.json", j);
    write(out / "byte-level-bpe" / "tokenizer_config.json",
          {{"bos_token", "<|begin_of_text|>"}, {"eos_token", "<|eot_id|>"}, {"tokenizer_class", "PreTrainedTokenizerFast"}});
}

void writeByteFallback(const std::string& corpus, const std::filesystem::path& out) {
    std::map<Symbols, long> words;
    std::set<std::string> chars;
    std::istringstream in(corpus);
    for (std::string w; in >> w;) {
        Symbols s{kMeta};
        for (char c : w) s.push_back(std::string(1, c));
        chars.insert(s.begin(), s.end());
        ++words[s];
    }
    std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
    for (unsigned b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", b);
        tokens.push_back(name);
    }
    tokens.insert(tokens.end(), chars.begin(), chars.end());
    const std::vector<Merge> merges = trainMerges(words, 510 - tokens.size());
    for (const auto& [a, b] : merges) tokens.push_back(a + b);
    ordered_json model = {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", "<unk>"}, {"continuing_subword_prefix", nullptr},
                          {"end_of_word_suffix", nullptr}, {"fuse_unk", true}, {"byte_fallback", true},
                          {"vocab", vocabObject(tokens)}, {"merges", mergeList(merges)}};
    ordered_json added = {addedToken(0, "<unk>", true), addedToken(1, "<s>", true), addedToken(2, "</s>", true)};
    ordered_json legacy = {{"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr}, {"added_tokens", added},
                           {"normalizer", {{"type", "Sequence"},
                                           {"normalizers", {{{"type", "Prepend"}, {"prepend", kMeta}},
                                                            {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", kMeta}}}}}},
                           {"pre_tokenizer", nullptr}, {"post_processor", bosTemplate("<s>", 1)},
                           {"decoder", {{"type", "Sequence"},
                                        {"decoders", {{{"type", "Replace"}, {"pattern", {{"String", kMeta}}}, {"content", " "}},
                                                      {{"type", "ByteFallback"}}, {{"type", "Fuse"}},
                                                      {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}}},
                           {"model", model}};
    write(out / "byte-fallback-legacy" / "tokenizer.json", legacy);
    write(out / "byte-fallback-legacy" / "tokenizer_config.json",
          {{"bos_token", "<s>"}, {"eos_token", "</s>"}, {"add_bos_token", true}, {"add_eos_token", false}, {"tokenizer_class", "LlamaTokenizer"}});
    ordered_json metaspace = legacy;
    metaspace["normalizer"] = nullptr;
    metaspace["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", kMeta}, {"prepend_scheme", "first"}, {"split", false}};
    metaspace["decoder"] = {{"type", "Sequence"},
                            {"decoders", {{{"type", "Metaspace"}, {"replacement", kMeta}, {"prepend_scheme", "first"}, {"split", false}},
                                          {{"type", "ByteFallback"}}, {{"type", "Fuse"}}}}};
    write(out / "byte-fallback-metaspace" / "tokenizer.json", metaspace);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: make_tokenizer_fixtures CORPUS... OUT_DIR\n";
        return 2;
    }
    std::ostringstream corpus;
    for (int i = 1; i + 1 < argc; ++i) {
        std::ifstream in(argv[i], std::ios::binary);
        if (!in) {
            std::cerr << "cannot read " << argv[i] << "\n";
            return 1;
        }
        corpus << in.rdbuf();
    }
    writeByteLevel(corpus.str(), argv[argc - 1]);
    writeByteFallback(corpus.str(), argv[argc - 1]);
    return 0;
}
