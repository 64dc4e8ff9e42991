#include "text/post_processor.h"

namespace l1ra::text {

namespace {

// TemplateProcessing's `single`: special tokens around the one sequence ($A).
SpecialFrame readTemplate(const JsonField& f) {
    SpecialFrame frame;
    const JsonField single = f["single"], specials = f["special_tokens"];
    bool sequenceSeen = false;
    for (std::size_t i = 0; i < single.size(); ++i) {
        const JsonField item = single[i];
        if (item.has("Sequence")) {
            if (sequenceSeen) item.fail("repeats the sequence (only one is supported)");
            sequenceSeen = true;
            continue;
        }
        if (!item.has("SpecialToken")) item.fail("must be {\"SpecialToken\": ...} or {\"Sequence\": ...}");
        const std::string name = item["SpecialToken"]["id"].string();
        const JsonField ids = specials[name]["ids"];
        if (ids.isNull()) specials.fail("has no entry \"" + name + "\" with its ids");
        for (std::size_t k = 0; k < ids.size(); ++k) (sequenceSeen ? frame.after : frame.before).push_back(ids[k].integer());
    }
    if (!sequenceSeen) single.fail("has no Sequence item");
    return frame;
}

int64_t pairId(const JsonField& pair) {
    if (pair.size() != 2) pair.fail("must be [token, id]");
    return pair[1].integer();
}

}  // namespace

SpecialFrame readPostProcessor(const JsonField& field) {
    if (field.isNull()) return {};
    const std::string type = field.type();
    if (type == "TemplateProcessing") return readTemplate(field);
    if (type == "ByteLevel") return {};
    if (type == "RobertaProcessing" || type == "BertProcessing") return {{pairId(field["cls"])}, {pairId(field["sep"])}};
    if (type == "Sequence") {
        SpecialFrame frame;
        const JsonField list = field["processors"];
        for (std::size_t i = 0; i < list.size(); ++i) {
            const SpecialFrame step = readPostProcessor(list[i]);
            frame.before.insert(frame.before.begin(), step.before.begin(), step.before.end());
            frame.after.insert(frame.after.end(), step.after.begin(), step.after.end());
        }
        return frame;
    }
    field.unsupportedType(type, "TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing, Sequence");
}

}  // namespace l1ra::text
