#include "l1ra/dataset_preview.h"

#include "text/data_records.h"
#include "io/file_util.h"
#include "l1ra/model_location.h"
#include "l1ra/text_tokenizer.h"
#include "text/prompt_format.h"

#include <sys/stat.h>

namespace l1ra {

namespace {

// The record's text as tokenizeRecords sees it, with the special tokens it adds written out.
std::vector<DatasetSegment> segmentsOf(const DataRecord& record, const Tokenizer* tokenizer) {
    std::vector<DatasetSegment> out;
    const bool addsBos = tokenizer && !record.rendered && tokenizer->bosId() >= 0 &&
                         tokenizer->encode("a", true).size() > tokenizer->encode("a", false).size();
    if (addsBos) out.push_back({tokenizer->piece(tokenizer->bosId()), false});
    for (const auto& seg : record.segments) {
        out.push_back({seg.text, seg.trained});
        if (seg.eosAfter && tokenizer && tokenizer->eosId() >= 0) out.push_back({tokenizer->piece(tokenizer->eosId()), seg.trained});
    }
    return out;
}

}  // namespace

DatasetPreview previewDataset(const std::string& path, const std::string& format, int maxSamples, const std::string& modelPath,
                              const std::string& chatTemplate) {
    const std::string modelDir = resolveModelFolder(modelPath);
    DatasetPreview p;
    p.path = path;
    std::shared_ptr<const Tokenizer> tokenizer;
    ResolvedPromptFormat prompts{plainPromptFormat(), ""};
    if (!modelDir.empty() && !tokenizerFileIn(modelDir).empty() && tokenizerSupportProblem(tokenizerFileIn(modelDir)).empty()) {
        tokenizer = loadTokenizer(modelDir);
        prompts = resolvePromptFormat(modelDir, chatTemplate, *tokenizer);
        p.promptFormat = prompts.format->description();
        p.promptFormatWarning = prompts.warning;
    }
    const auto records = readDataRecords(path, format, &p.format, prompts.format.get());
    p.records = int64_t(records.size());
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) p.bytes = int64_t(st.st_size);
    for (int i = 0; i < maxSamples && i < int(records.size()); ++i) {
        DatasetSample s;
        s.segments = segmentsOf(records[std::size_t(i)], tokenizer.get());
        for (const auto& seg : s.segments) (seg.trained ? s.response : s.prompt) += seg.text;
        p.samples.push_back(std::move(s));
    }
    return p;
}

}  // namespace l1ra
