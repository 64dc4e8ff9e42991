#pragma once
// Python methods templates call on values: str.strip(), str.split(), dict.items(), dict.get() and the like.
// Methods that would change a list or dict exist but fail when called, as in transformers' immutable sandbox.
#include <string>

#include "text/jinja/value.h"

namespace l1ra::jinja {

// The bound method `name` of `object` (a str, dict, list or tuple), or false when it has none.
bool findMethod(const Value& object, const std::string& name, Value& method);

}  // namespace l1ra::jinja
