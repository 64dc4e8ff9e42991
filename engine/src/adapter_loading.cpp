#include "l1ra/error.h"
#include "language_model_impl.h"

namespace l1ra {

void LanguageModel::Impl::loadAdapter(const std::string& dir) {
    throw Error("--adapter " + dir + ": loading adapters is not available in this build yet");
}

}  // namespace l1ra
