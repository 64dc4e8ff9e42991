#include "text/jinja/value.h"

namespace l1ra::jinja {

Value Value::undefined(std::string hint) {
    Value v;
    if (!hint.empty()) v.object_ = std::make_shared<std::string>(std::move(hint));
    return v;
}

Value Value::none() {
    Value v;
    v.kind_ = Kind::None;
    return v;
}

Value Value::boolean(bool b) {
    Value v;
    v.kind_ = Kind::Bool;
    v.scalar_.b = b;
    return v;
}

Value Value::integer(int64_t i) {
    Value v;
    v.kind_ = Kind::Int;
    v.scalar_.i = i;
    return v;
}

Value Value::number(double f) {
    Value v;
    v.kind_ = Kind::Float;
    v.scalar_.f = f;
    return v;
}

Value Value::string(std::string s) {
    Value v;
    v.kind_ = Kind::String;
    v.object_ = std::make_shared<std::string>(std::move(s));
    return v;
}

Value Value::list(std::vector<Value> items) {
    Value v;
    v.kind_ = Kind::List;
    v.object_ = std::make_shared<ListData>(ListData{std::move(items)});
    return v;
}

Value Value::tuple(std::vector<Value> items) {
    Value v = list(std::move(items));
    v.kind_ = Kind::Tuple;
    return v;
}

Value Value::generator(std::vector<Value> items) {
    Value v = list(std::move(items));
    v.kind_ = Kind::Generator;
    return v;
}

Value Value::dict(std::vector<std::pair<Value, Value>> entries) {
    Value v;
    v.kind_ = Kind::Dict;
    auto data = std::make_shared<DictData>();
    for (auto& [key, value] : entries) data->set(key, value);
    v.object_ = std::move(data);
    return v;
}

Value Value::namespaceObject(std::vector<std::pair<Value, Value>> entries) {
    Value v = dict(std::move(entries));
    v.kind_ = Kind::Namespace;
    return v;
}

Value Value::function(std::string name, std::function<Value(const Args&)> call) {
    Value v;
    v.kind_ = Kind::Function;
    v.object_ = std::make_shared<FunctionData>(FunctionData{std::move(name), std::move(call)});
    return v;
}

const std::string& Value::undefinedHint() const {
    static const std::string none;
    return object_ ? *static_cast<const std::string*>(object_.get()) : none;
}

double Value::asDouble() const {
    if (kind_ == Kind::Float) return scalar_.f;
    return double(asInt());
}

bool Value::truthy() const {
    switch (kind_) {
        case Kind::Undefined:
        case Kind::None: return false;
        case Kind::Bool: return scalar_.b;
        case Kind::Int: return scalar_.i != 0;
        case Kind::Float: return scalar_.f != 0.0;
        case Kind::String: return !asString().empty();
        case Kind::List:
        case Kind::Tuple: return !items().empty();
        case Kind::Dict: return !dictData().entries.empty();
        case Kind::Namespace:
        case Kind::Function:
        case Kind::Generator: return true;
    }
    return false;
}

const char* Value::typeName() const {
    switch (kind_) {
        case Kind::Undefined: return "Undefined";
        case Kind::None: return "NoneType";
        case Kind::Bool: return "bool";
        case Kind::Int: return "int";
        case Kind::Float: return "float";
        case Kind::String: return "str";
        case Kind::List: return "list";
        case Kind::Tuple: return "tuple";
        case Kind::Dict: return "dict";
        case Kind::Namespace: return "Namespace";
        case Kind::Function: return "function";
        case Kind::Generator: return "generator";
    }
    return "object";
}

bool Value::sameObject(const Value& other) const {
    if (kind_ != other.kind_) return false;
    switch (kind_) {
        case Kind::List:
        case Kind::Tuple:
        case Kind::Generator:
        case Kind::Dict:
        case Kind::Namespace:
        case Kind::Function: return object_ == other.object_;
        case Kind::Undefined: return false;
        default: return equals(*this, other);   // None, bools and small values are singletons in practice
    }
}

static bool sequencesEqual(const std::vector<Value>& a, const std::vector<Value>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!equals(a[i], b[i])) return false;
    return true;
}

static bool dictsEqual(const DictData& a, const DictData& b) {
    if (a.entries.size() != b.entries.size()) return false;
    for (const auto& [key, value] : a.entries) {
        const Value* other = b.find(key);
        if (!other || !equals(value, *other)) return false;
    }
    return true;
}

bool equals(const Value& a, const Value& b) {
    using K = Value::Kind;
    if (a.isNumber() && b.isNumber()) {
        if (a.isFloat() || b.isFloat()) return a.asDouble() == b.asDouble();
        return a.asInt() == b.asInt();
    }
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case K::Undefined:
        case K::None: return true;
        case K::String: return a.asString() == b.asString();
        case K::List:
        case K::Tuple: return sequencesEqual(a.items(), b.items());
        case K::Dict: return dictsEqual(a.dictData(), b.dictData());
        default: return a.sameObject(b);
    }
}

const Value* DictData::find(const Value& key) const {
    for (const auto& entry : entries)
        if (equals(entry.first, key)) return &entry.second;
    return nullptr;
}

const Value* DictData::find(const std::string& key) const {
    for (const auto& entry : entries)
        if (entry.first.isString() && entry.first.asString() == key) return &entry.second;
    return nullptr;
}

void DictData::set(const Value& key, const Value& value) {
    for (auto& entry : entries)
        if (equals(entry.first, key)) {
            entry.second = value;
            return;
        }
    entries.emplace_back(key, value);
}

const Value* Args::namedValue(const std::string& name) const {
    for (const auto& [key, value] : named)
        if (key == name) return &value;
    return nullptr;
}

Value Args::get(size_t position, const std::string& name, const Value& fallback) const {
    if (position < positional.size()) return positional[position];
    if (const Value* v = namedValue(name)) return *v;
    return fallback;
}

void fail(const std::string& message) { throw RenderFailure{message}; }

void failUndefined(const Value& v) {
    fail(v.undefinedHint().empty() ? "value is undefined" : v.undefinedHint());
}

}  // namespace l1ra::jinja
