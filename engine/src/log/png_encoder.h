#pragma once
// A minimal PNG encoder (8-bit RGB, no filtering, zlib stream of stored deflate blocks): the engine draws small
// images (the rank heatmap for TensorBoard) without Qt or zlib. Files are larger than compressed ones; for a few
// hundred cells that does not matter.
#include <cstdint>
#include <string>
#include <vector>

namespace l1ra {

// `rgb` holds height rows of width × 3 bytes. Returns the PNG file's bytes.
std::string encodePng(int width, int height, const std::vector<uint8_t>& rgb);

}  // namespace l1ra
