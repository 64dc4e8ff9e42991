// Jinja's sandboxed attribute and item access: object.name tries the Python attribute (a method) first and then
// the item; object[key] tries the item first and then the attribute. What is missing is Undefined, except on an
// Undefined object, which is an error (Jinja's default Undefined).
#include <algorithm>

#include "text/jinja/builtins.h"
#include "text/jinja/methods.h"
#include "text/jinja/python_text.h"

namespace l1ra::jinja {
namespace {

std::string describeObject(const Value& object) {
    if (object.isNone()) return "None";
    return std::string(object.typeName()) + " object";
}

Value missingAttribute(const Value& object, const std::string& name) {
    return Value::undefined("'" + describeObject(object) + "' has no attribute '" + name + "'");
}

Value missingItem(const Value& object, const Value& key) {
    if (key.isString()) return missingAttribute(object, key.asString());
    return Value::undefined("'" + describeObject(object) + "' has no element " + toRepr(key));
}

// The item lookup alone; nullopt-like: returns false when the object has no such item.
bool lookupItem(const Value& object, const Value& key, Value& result) {
    if (object.isMapping()) {
        const Value* found = object.dictData().find(key);
        if (found) result = *found;
        return found != nullptr;
    }
    if ((object.isSequence() || object.isString()) && (key.isInt() || key.isBool())) {
        const bool text = object.isString();
        const std::u32string characters = text ? decodeUtf8(object.asString()) : std::u32string();
        const int64_t size = int64_t(text ? characters.size() : object.items().size());
        int64_t index = key.asInt();
        if (index < 0) index += size;
        if (index < 0 || index >= size) return false;
        result = text ? Value::string(encodeUtf8(characters.substr(size_t(index), 1))) : object.items()[size_t(index)];
        return true;
    }
    return false;
}

}  // namespace

Value getAttribute(const Value& object, const std::string& name) {
    if (object.isUndefined()) failUndefined(object);
    if (object.isNamespace()) {
        const Value* found = object.dictData().find(name);
        return found ? *found : missingAttribute(object, name);
    }
    Value method;
    if (findMethod(object, name, method)) return method;
    Value item;
    if (object.isDict() && lookupItem(object, Value::string(name), item)) return item;
    return missingAttribute(object, name);
}

Value getItem(const Value& object, const Value& key) {
    if (object.isUndefined()) failUndefined(object);
    Value item;
    if (lookupItem(object, key, item)) return item;
    Value method;
    if (key.isString() && !object.isNamespace() && findMethod(object, key.asString(), method)) return method;
    return missingItem(object, key);
}

namespace {

// Python's slice.indices(): the positions a slice visits in a sequence of `size` items.
std::vector<int64_t> slicePositions(int64_t size, const Value& startValue, const Value& stopValue, const Value& stepValue) {
    auto part = [](const Value& v, const char* what) -> std::pair<bool, int64_t> {
        if (v.isNone()) return {false, 0};
        if (v.isUndefined()) fail("slice indices must be integers or None, not Undefined");
        return {true, toIndex(v, what)};
    };
    const auto [hasStep, stepGiven] = part(stepValue, "slice step");
    const int64_t step = hasStep ? stepGiven : 1;
    if (step == 0) fail("slice step cannot be zero");
    auto clamp = [&](std::pair<bool, int64_t> p, int64_t fallback) {
        if (!p.first) return fallback;
        int64_t i = p.second < 0 ? p.second + size : p.second;
        if (step > 0) return std::clamp<int64_t>(i, 0, size);
        return std::clamp<int64_t>(i, -1, size - 1);
    };
    const int64_t start = clamp(part(startValue, "slice start"), step > 0 ? 0 : size - 1);
    const int64_t stop = clamp(part(stopValue, "slice stop"), step > 0 ? size : -1);
    std::vector<int64_t> positions;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) positions.push_back(i);
    return positions;
}

}  // namespace

Value sliceValue(const Value& object, const Value& start, const Value& stop, const Value& step) {
    if (object.isUndefined()) failUndefined(object);
    if (object.isString()) {
        const std::u32string characters = decodeUtf8(object.asString());
        std::u32string out;
        for (int64_t i : slicePositions(int64_t(characters.size()), start, stop, step)) out.push_back(characters[size_t(i)]);
        return Value::string(encodeUtf8(out));
    }
    if (object.isSequence()) {
        std::vector<Value> out;
        for (int64_t i : slicePositions(int64_t(object.items().size()), start, stop, step)) out.push_back(object.items()[size_t(i)]);
        return object.kind() == Value::Kind::Tuple ? Value::tuple(out) : Value::list(out);
    }
    return Value::undefined("'" + describeObject(object) + "' cannot be sliced");
}

Value callValue(const Value& callee, const Args& args) {
    if (callee.isFunction()) return callee.functionData().call(args);
    if (callee.isUndefined()) failUndefined(callee);
    fail(std::string("'") + callee.typeName() + "' object is not callable");
}

}  // namespace l1ra::jinja
