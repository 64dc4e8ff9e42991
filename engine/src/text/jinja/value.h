#pragma once
// The values a chat template computes with: Python's None, bool, int, float, str, list, tuple and dict, Jinja's
// Undefined, namespace objects and callables. Lists and dicts are shared and never changed once built (HF renders
// in Jinja's immutable sandbox), so copying a Value is cheap; only a namespace is changed in place, as in Jinja.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace l1ra::jinja {

class Value;
struct Args;

struct ListData {
    std::vector<Value> items;
};

// Python dicts keep insertion order, which tojson and items() show; keys are compared as Python compares them.
struct DictData {
    std::vector<std::pair<Value, Value>> entries;
    const Value* find(const Value& key) const;
    const Value* find(const std::string& key) const;
    void set(const Value& key, const Value& value);   // replaces an existing key in place
};

struct FunctionData {
    std::string name;                              // for error messages: "raise_exception", "str.strip"
    std::function<Value(const Args&)> call;
};

class Value {
public:
    // Generator: what Jinja's select, map, unique and reverse return: iterable once, always true, with no len().
    enum class Kind { Undefined, None, Bool, Int, Float, String, List, Tuple, Dict, Namespace, Function, Generator };

    Value() = default;   // undefined
    static Value undefined(std::string hint);   // hint: "'x' is undefined", "'dict object' has no attribute 'y'"
    static Value none();
    static Value boolean(bool b);
    static Value integer(int64_t i);
    static Value number(double f);
    static Value string(std::string s);
    static Value list(std::vector<Value> items);
    static Value tuple(std::vector<Value> items);
    static Value generator(std::vector<Value> items);
    static Value dict(std::vector<std::pair<Value, Value>> entries = {});
    static Value namespaceObject(std::vector<std::pair<Value, Value>> entries = {});
    static Value function(std::string name, std::function<Value(const Args&)> call);

    Kind kind() const { return kind_; }
    bool isUndefined() const { return kind_ == Kind::Undefined; }
    bool isNone() const { return kind_ == Kind::None; }
    bool isBool() const { return kind_ == Kind::Bool; }
    bool isInt() const { return kind_ == Kind::Int; }
    bool isFloat() const { return kind_ == Kind::Float; }
    bool isNumber() const { return kind_ == Kind::Bool || kind_ == Kind::Int || kind_ == Kind::Float; }
    bool isString() const { return kind_ == Kind::String; }
    bool isSequence() const { return kind_ == Kind::List || kind_ == Kind::Tuple; }   // list or tuple
    bool isDict() const { return kind_ == Kind::Dict; }
    bool isNamespace() const { return kind_ == Kind::Namespace; }
    bool isMapping() const { return kind_ == Kind::Dict || kind_ == Kind::Namespace; }
    bool isFunction() const { return kind_ == Kind::Function; }

    bool asBool() const { return scalar_.b; }
    int64_t asInt() const { return kind_ == Kind::Bool ? int64_t(scalar_.b) : scalar_.i; }   // bool or int
    double asDouble() const;                                                                    // any number
    const std::string& asString() const { return *static_cast<const std::string*>(object_.get()); }
    const std::vector<Value>& items() const { return static_cast<const ListData*>(object_.get())->items; }   // list, tuple, generator
    const DictData& dictData() const { return *static_cast<const DictData*>(object_.get()); }              // dict or namespace
    DictData& namespaceData() const { return *static_cast<DictData*>(object_.get()); }
    const FunctionData& functionData() const { return *static_cast<const FunctionData*>(object_.get()); }
    const std::string& undefinedHint() const;

    bool truthy() const;                  // Python's bool(); Undefined is false
    const char* typeName() const;         // Python's type name: "str", "NoneType", "dict", "Undefined"
    bool sameObject(const Value& other) const;   // Python's `is`

private:
    Kind kind_ = Kind::Undefined;
    union {
        bool b;
        int64_t i;
        double f;
    } scalar_{};
    // What a non-scalar holds, shared by copies: a std::string (a string, or an undefined value's hint), a
    // ListData, a DictData or a FunctionData, according to kind_.
    std::shared_ptr<void> object_;
};

// Python's ==, with Jinja's Undefined equal only to Undefined.
bool equals(const Value& a, const Value& b);

// A call's arguments: positional ones, then keyword ones in the order written.
struct Args {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> named;

    const Value* namedValue(const std::string& name) const;
    // The argument at `position` or passed as `name`, else `fallback`.
    Value get(size_t position, const std::string& name, const Value& fallback = Value()) const;
};

// A failure while rendering, located by the interpreter at the innermost node that was being evaluated.
struct RenderFailure {
    std::string message;
    size_t offset = 0;
    bool located = false;
};
[[noreturn]] void fail(const std::string& message);
[[noreturn]] void failUndefined(const Value& v);   // "'x' is undefined"

}  // namespace l1ra::jinja
