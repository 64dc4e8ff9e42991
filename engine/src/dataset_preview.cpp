#include "l1ra/dataset_preview.h"

#include "data_records.h"
#include "file_util.h"

#include <sys/stat.h>

namespace l1ra {

DatasetPreview previewDataset(const std::string& path, const std::string& format, int maxSamples) {
    DatasetPreview p;
    p.path = path;
    const auto records = readDataRecords(path, format, &p.format);
    p.records = int64_t(records.size());
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) p.bytes = int64_t(st.st_size);
    for (int i = 0; i < maxSamples && i < int(records.size()); ++i) {
        DatasetSample s;
        for (const auto& seg : records[std::size_t(i)].segments) (seg.trained ? s.response : s.prompt) += seg.text;
        p.samples.push_back(std::move(s));
    }
    return p;
}

}  // namespace l1ra
