#include "l1ra/tensor_file.h"

#include "io/safetensors.h"
#include "l1ra/error.h"

namespace l1ra {

void writeTensorFile(const std::string& path, const std::vector<TensorFileEntry>& entries,
                     const std::map<std::string, std::string>& metadata) {
    std::vector<TensorBlob> blobs;
    for (const TensorFileEntry& e : entries) {
        if (!e.data) throw Error(path + ": tensor '" + e.name + "' has no data");
        TensorBlob b;
        b.name = e.name;
        b.dtype = e.type == TensorFileEntry::Type::F32 ? DType::F32 : DType::I64;
        b.shape = e.shape;
        b.data = e.data;
        std::size_t elements = 1;
        for (int64_t d : e.shape) elements *= std::size_t(d);
        b.nbytes = elements * dtypeSize(b.dtype);
        blobs.push_back(std::move(b));
    }
    writeSafetensors(path, blobs, metadata);
}

}  // namespace l1ra
