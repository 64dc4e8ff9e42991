#pragma once
// safetensors files: a memory-mapped reader that trusts nothing in the header, and an atomic writer.
// Plain C++ (no torch): tensors are byte views with a dtype and a shape.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace l1ra {

enum class DType { F32, F16, BF16, I64, I32, U8, BOOL, F64, I8, I16 };

const char* dtypeName(DType t);           // "F32", ...
std::size_t dtypeSize(DType t);            // bytes per element
bool parseDType(const std::string& s, DType* out);

struct TensorView {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const std::uint8_t* data = nullptr;    // points into the mapping; valid while the file object lives
    std::size_t nbytes = 0;
    int64_t numel() const;
};

class SafetensorsFile {
public:
    // Maps the file and validates its header; throws l1ra::Error naming the file and the fault.
    explicit SafetensorsFile(const std::string& path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    const std::string& path() const { return path_; }
    bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
    const TensorView& tensor(const std::string& name) const;   // throws when absent
    const std::map<std::string, TensorView>& tensors() const { return tensors_; }
    const std::map<std::string, std::string>& metadata() const { return metadata_; }

private:
    std::string path_;
    void* map_ = nullptr;
    std::size_t mapSize_ = 0;
    std::map<std::string, TensorView> tensors_;
    std::map<std::string, std::string> metadata_;
};

// Drops the mapped pages of a tensor read already from the process's resident memory (they stay in the page
// cache; touching them again reads them back): loading a model then holds one tensor of the file at a time,
// not the whole file.
void releasePages(const TensorView& view);

// A tensor to write: bytes owned by the caller for the duration of the call.
struct TensorBlob {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const void* data = nullptr;
    std::size_t nbytes = 0;
};

// Writes to a temporary file beside `path` and renames it into place, so readers see old or new, never half.
void writeSafetensors(const std::string& path, const std::vector<TensorBlob>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace l1ra
