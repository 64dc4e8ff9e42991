// Chat templates on top of the Jinja interpreter (engine/src/text): the built-in families against hand-written
// renderings and trained ranges, templates in the style of real ones (a date preamble, a default system message,
// the system message moved into the last user turn, turns ending without the eos token), family recognition,
// reading a model folder's template and special tokens, and the run config's choice between them.
#include <QTemporaryDir>
#include <QtTest>

#include <ctime>
#include <fstream>
#include <sstream>

#include "l1ra/error.h"
#include "text/chat_template.h"
#include "text/model_chat_template.h"

using namespace l1ra;

namespace {

const std::vector<ChatMessage> twoExchanges = {
    {"system", "You are terse."}, {"user", "Hi"}, {"assistant", "Hello!"}, {"user", "Bye?"}, {"assistant", "Bye."}};

std::vector<ChatMessage> firstOf(const std::vector<ChatMessage>& messages, size_t n) {
    return std::vector<ChatMessage>(messages.begin(), messages.begin() + long(n));
}

std::vector<std::string> trainedTexts(const RenderedConversation& c) {
    std::vector<std::string> texts;
    for (const auto& r : c.trained) texts.push_back(c.text.substr(r.begin, r.end - r.begin));
    return texts;
}

std::string dataTemplate(const std::string& name) {
    std::ifstream in(std::string(L1RA_TEST_DATA) + "/chat-templates/" + name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeFile(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

#define QCOMPARE_STD(actual, expected) QCOMPARE(QString::fromStdString(actual), QString::fromStdString(expected))
#define QVERIFY_CONTAINS(text, part) QVERIFY2((text).find(part) != std::string::npos, (text).c_str())

}  // namespace

class TestChatTemplate : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void builtinFamilies_data() {
        QTest::addColumn<QString>("family");
        QTest::addColumn<QString>("bos");
        QTest::addColumn<QString>("eos");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("trained");
        QTest::addColumn<QString>("promptTail");   // what prompt(first four messages) adds after their rendering
        QTest::newRow("llama3") << "llama3" << "<|begin_of_text|>" << "<|end_of_text|>"
            << "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
               "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
               "<|start_header_id|>user<|end_header_id|>\n\nBye?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nBye.<|eot_id|>"
            << QStringList{"Hello!<|eot_id|>", "Bye.<|eot_id|>"} << "<|start_header_id|>assistant<|end_header_id|>\n\n";
        QTest::newRow("llama2") << "llama2" << "<s>" << "</s>"
            << "<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] Bye? [/INST] Bye. </s>"
            << QStringList{" Hello! </s>", " Bye. </s>"} << "";
        QTest::newRow("mistral") << "mistral" << "<s>" << "</s>"
            << "<s>[INST] You are terse.\n\nHi [/INST]Hello!</s>[INST] Bye? [/INST]Bye.</s>"
            << QStringList{"Hello!</s>", "Bye.</s>"} << "";
        QTest::newRow("chatml") << "chatml" << "" << "<|im_end|>"
            << "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
               "<|im_start|>user\nBye?<|im_end|>\n<|im_start|>assistant\nBye.<|im_end|>\n"
            << QStringList{"Hello!<|im_end|>", "Bye.<|im_end|>"} << "<|im_start|>assistant\n";
    }
    void builtinFamilies() {
        QFETCH(QString, family);
        QFETCH(QString, bos);
        QFETCH(QString, eos);
        QFETCH(QString, text);
        QFETCH(QStringList, trained);
        QFETCH(QString, promptTail);
        SpecialTokens tokens{{"eos_token", eos.toStdString()}};
        if (!bos.isEmpty()) tokens["bos_token"] = bos.toStdString();
        const ChatTemplate t = ChatTemplate::builtin(chatFamilyFromName(family.toStdString()), tokens);
        QCOMPARE(chatFamilyName(t.family()), family.toStdString());
        const RenderedConversation c = t.conversation(twoExchanges);
        QCOMPARE(QString::fromStdString(c.text), text);
        QStringList texts;
        for (const auto& s : trainedTexts(c)) texts << QString::fromStdString(s);
        QCOMPARE(texts, trained);
        // Each trained range starts where the prompt for that answer ends: generation continues from there.
        QCOMPARE(c.trained[0].begin, t.prompt(firstOf(twoExchanges, 2)).size());
        QCOMPARE(c.trained[1].begin, t.prompt(firstOf(twoExchanges, 4)).size());
        const std::string firstFour = t.render(firstOf(twoExchanges, 4), false);
        QCOMPARE(QString::fromStdString(t.prompt(firstOf(twoExchanges, 4))), QString::fromStdString(firstFour) + promptTail);
    }

    void familyRecognition_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("family");
        QTest::newRow("llama3 headers") << "{{ '<|start_header_id|>' + m.role + '<|end_header_id|>' }}" << "llama3";
        QTest::newRow("chatml") << "{{ '<|im_start|>' + m.role }}" << "chatml";
        QTest::newRow("llama2 [INST] with <<SYS>>") << "[INST] <<SYS>>\\n" << "llama2";
        QTest::newRow("mistral [INST] alone") << "{{ '[INST] ' + m.content + ' [/INST]' }}" << "mistral";
        QTest::newRow("anything else") << "{{ '<|user|>' }}" << "unknown";
    }
    void familyRecognition() {
        QFETCH(QString, text);
        QFETCH(QString, family);
        QCOMPARE(QString::fromStdString(chatFamilyName(recognizeChatFamily(text.toStdString()))), family);
    }

    void unknownFamilyNameIsRefused() {
        QCOMPARE_STD(errorOf([] { chatFamilyFromName("vicuna"); }), std::string("chat template family 'vicuna' is not one of llama3, llama2, mistral, chatml"));
    }

    void llama31StyleDatePreambleAndTurns() {
        const ChatTemplate t(dataTemplate("llama31-style.jinja"), "llama31-style.jinja", {{"bos_token", "<s>"}, {"eos_token", "<|eot_id|>"}});
        QCOMPARE(t.family(), ChatFamily::Llama3);
        const RenderedConversation c = t.conversation(twoExchanges);
        char today[32];
        const std::time_t now = std::time(nullptr);
        std::tm local{};
        localtime_r(&now, &local);
        std::strftime(today, sizeof today, "%d %b %Y", &local);
        QVERIFY_CONTAINS(c.text, std::string("<s><|start_header_id|>system<|end_header_id|>\n\nKnowledge cutoff: 2023\nToday: ") + today +
                                     "\n\nYou are terse.<|eot_id|>");
        QCOMPARE(trainedTexts(c), (std::vector<std::string>{"Hello!<|eot_id|>", "Bye.<|eot_id|>"}));
    }

    void chatmlNewlineAfterTheTurnIsNotTrained() {
        const ChatTemplate t(dataTemplate("qwen25-style.jinja"), "qwen25-style.jinja", {{"eos_token", "<|im_end|>"}});
        const RenderedConversation c = t.conversation(firstOf(twoExchanges, 3));
        QVERIFY_CONTAINS(c.text, "<|im_start|>system\nYou are terse.<|im_end|>\n");
        QCOMPARE(trainedTexts(c), (std::vector<std::string>{"Hello!<|im_end|>"}));
        QCOMPARE_STD(c.text.substr(c.trained[0].end), std::string("\n"));
        // Without a system message the template writes its default one.
        const RenderedConversation d = t.conversation(firstOf({twoExchanges.begin() + 1, twoExchanges.end()}, 2));
        QVERIFY_CONTAINS(d.text, "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n");
    }

    // The system message joins the last user turn, so earlier prompts are not prefixes of the conversation: the
    // turns are found by where the assistant's content lands instead.
    void systemMovedToTheLastUserTurnStillSplits() {
        const ChatTemplate t(dataTemplate("nemo-style.jinja"), "nemo-style.jinja", {{"bos_token", "<s>"}, {"eos_token", "</s>"}});
        QCOMPARE(t.family(), ChatFamily::Mistral);
        const RenderedConversation c = t.conversation(twoExchanges);
        QCOMPARE_STD(c.text, std::string("<s>[INST]Hi[/INST]Hello!</s>[INST]Bye?[/INST]Bye.</s>"));
        QCOMPARE(trainedTexts(c), (std::vector<std::string>{"Hello!</s>", "Bye.</s>"}));
        QCOMPARE_STD(t.prompt(firstOf(twoExchanges, 4)), std::string("<s>[INST]Hi[/INST]Hello!</s>[INST]You are terse.\n\nBye?[/INST]"));
    }

    void unknownFamilyEndsTurnsWithEos() {
        const ChatTemplate t(dataTemplate("zephyr-style.jinja"), "zephyr-style.jinja", {{"eos_token", "</s>"}});
        QCOMPARE(t.family(), ChatFamily::Unknown);
        QCOMPARE_STD(t.endOfTurn(), std::string("</s>"));
        const RenderedConversation c = t.conversation(firstOf(twoExchanges, 3));
        QCOMPARE_STD(c.text, std::string("<|system|>\nYou are terse.</s>\n<|user|>\nHi</s>\n<|assistant|>\nHello!</s>\n"));
        QCOMPARE(trainedTexts(c), (std::vector<std::string>{"Hello!</s>"}));
        QCOMPARE_STD(t.prompt(firstOf(twoExchanges, 2)), std::string("<|system|>\nYou are terse.</s>\n<|user|>\nHi</s>\n<|assistant|>\n"));
    }

    void unicodeContentGivesByteRanges() {
        const ChatTemplate t = ChatTemplate::builtin(ChatFamily::ChatML, {{"eos_token", "<|im_end|>"}});
        const RenderedConversation c = t.conversation({{"user", "Gr\xC3\xBC\xC3\x9F" "e"}, {"assistant", "\xF0\x9F\x98\x80 \xE2\x86\x92 ok"}});
        QCOMPARE(trainedTexts(c), (std::vector<std::string>{"\xF0\x9F\x98\x80 \xE2\x86\x92 ok<|im_end|>"}));
        // "<|im_start|>user\n" 17 bytes, "Grüße" 7, "<|im_end|>\n" 11, "<|im_start|>assistant\n" 22.
        QCOMPARE(c.trained[0].begin, size_t(17 + 7 + 11 + 22));
    }

    // Turns that end with a special token other than eos (Gemma, Phi-3): the tokenizer's special tokens say which.
    void unknownFamilyEndsTurnsWithTheSpecialTokenAfterAnAnswer() {
        const ChatTemplate t(dataTemplate("gemma-style.jinja"), "gemma-style.jinja", {{"bos_token", "<bos>"}, {"eos_token", "<eos>"}},
                             {"<bos>", "<eos>", "<end>", "<end_turn>", "<turn>"});
        QCOMPARE_STD(t.endOfTurn(), std::string("<end_turn>"));
        const RenderedConversation c = t.conversation({twoExchanges.begin() + 1, twoExchanges.end()});
        QCOMPARE(trainedTexts(c), (std::vector<std::string>{"Hello!<end_turn>", "Bye.<end_turn>"}));
    }

    void turnsWithoutTheirMarkerCannotBeSplit() {
        const ChatTemplate t(dataTemplate("gemma-style.jinja"), "gemma-style.jinja", {{"bos_token", "<bos>"}, {"eos_token", "<eos>"}});
        const std::string error = errorOf([&] { t.conversation(firstOf({twoExchanges.begin() + 1, twoExchanges.end()}, 2)); });
        QVERIFY_CONTAINS(error, "gemma-style.jinja: the template cannot be split into turns: assistant message 2");
        QVERIFY_CONTAINS(error, "no end-of-turn marker <eos>");
        // Rendering itself works, and its own errors name the template and line.
        QVERIFY_CONTAINS(errorOf([&] { t.prompt(twoExchanges); }), "gemma-style.jinja, line 5, column 13: the template raised an error: this template has no system role");
    }

    void eosFamiliesNeedAnEosToken() {
        QVERIFY_CONTAINS(errorOf([] { ChatTemplate::builtin(ChatFamily::Mistral, {{"bos_token", "<s>"}}).conversation(twoExchanges); }),
                         "built-in mistral template");
        const ChatTemplate zephyr(dataTemplate("zephyr-style.jinja"), "zephyr-style.jinja", {});
        QVERIFY_CONTAINS(errorOf([&] { zephyr.conversation(firstOf(twoExchanges, 3)); }), "the model declares no eos_token");
    }

    void readsTheTemplateAndTokensOfAModelFolder() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFile(d + "/tokenizer_config.json", R"({"chat_template": "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}",
            "bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false}, "eos_token": "</s>", "pad_token": null,
            "added_tokens_decoder": {"0": {"content": "<s>", "special": true}, "7": {"content": "<|end|>", "special": true},
                                     "8": {"content": "plain", "special": false}},
            "additional_special_tokens": ["<|tool|>"]})");
        ModelChatTemplate m = readModelChatTemplate(d);
        QCOMPARE(m.specialTexts, (std::vector<std::string>{"<s>", "<|end|>", "<|tool|>", "<s>", "</s>"}));
        QCOMPARE_STD(m.origin, d + "/tokenizer_config.json, field chat_template");
        QCOMPARE(m.specialTokens, (SpecialTokens{{"bos_token", "<s>"}, {"eos_token", "</s>"}}));
        QCOMPARE_STD(ChatTemplate(m.text, m.origin, m.specialTokens).render({{"user", "x"}}, true), std::string("<s>x"));
        writeFile(d + "/special_tokens_map.json", R"({"unk_token": "<unk>", "eos_token": "ignored, the config has one"})");
        QCOMPARE(readModelChatTemplate(d).specialTokens.at("unk_token"), std::string("<unk>"));
        QCOMPARE(readModelChatTemplate(d).specialTokens.at("eos_token"), std::string("</s>"));
    }

    void namedTemplatesUseDefault() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFile(d + "/tokenizer_config.json", R"({"chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}]})");
        QCOMPARE_STD(readModelChatTemplate(d).text, std::string("D"));
        writeFile(d + "/tokenizer_config.json", R"({"chat_template": [{"name": "tool_use", "template": "T"}, {"name": "rag", "template": "R"}]})");
        QCOMPARE_STD(errorOf([&] { readModelChatTemplate(d); }),
                     d + "/tokenizer_config.json: field chat_template has no template named \"default\" (it has: tool_use, rag)");
        writeFile(d + "/tokenizer_config.json", R"({"chat_template": 7})");
        QCOMPARE_STD(errorOf([&] { readModelChatTemplate(d); }),
                     d + "/tokenizer_config.json: field chat_template must be a string or a list of {name, template}");
    }

    void chatTemplateJinjaTakesPriorityAsInTransformers() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFile(d + "/tokenizer_config.json", R"({"chat_template": "from the config", "eos_token": "</s>"})");
        writeFile(d + "/chat_template.jinja", "from the file\n");
        const ModelChatTemplate m = readModelChatTemplate(d);
        QCOMPARE_STD(m.text, std::string("from the file\n"));
        QCOMPARE_STD(m.origin, d + "/chat_template.jinja");
        QCOMPARE(m.specialTokens.at("eos_token"), std::string("</s>"));
    }

    void legacyChatTemplateJsonAndEmptyFolders() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        ModelChatTemplate m = readModelChatTemplate(d);
        QVERIFY(m.text.empty() && m.specialTokens.empty());
        writeFile(d + "/chat_template.json", R"({"chat_template": "legacy"})");
        m = readModelChatTemplate(d);
        QCOMPARE_STD(m.text, std::string("legacy"));
        QCOMPARE_STD(m.origin, d + "/chat_template.json, field chat_template");
    }

    void malformedFilesNameFileAndPosition() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFile(d + "/tokenizer_config.json", "{\n  \"eos_token\": \"</s>\",\n  \"chat_template\" \"x\"\n}");
        QVERIFY_CONTAINS(errorOf([&] { readModelChatTemplate(d); }),
                         d + "/tokenizer_config.json: invalid JSON at line 3, column 21: syntax error");   // after "x", where it sees no ':'
        writeFile(d + "/tokenizer_config.json", R"({"eos_token": 5})");
        QCOMPARE_STD(errorOf([&] { readModelChatTemplate(d); }),
                     d + "/tokenizer_config.json: field eos_token must be a string or an object with a string \"content\"");
        writeFile(d + "/tokenizer_config.json", R"({"chat_template": "line one\n{% if x %}\n{{ x | nosuch }}{% endif %}"})");
        const ModelChatTemplate m = readModelChatTemplate(d);
        QCOMPARE_STD(errorOf([&] { ChatTemplate(m.text, m.origin, {}).render({}, true); }),
                     std::string("(no error)"));   // the unknown filter is in a branch not taken
        QCOMPARE_STD(errorOf([&] { ChatTemplate("{% for %}", m.origin, {}); }),
                     d + "/tokenizer_config.json, field chat_template, line 1, column 8: expected a name, got '%}'");
    }

    void chooseTemplate() {
        ModelChatTemplate llama3{builtinChatTemplate(ChatFamily::Llama3), "M/tokenizer_config.json, field chat_template",
                                 {{"bos_token", "<|begin_of_text|>"}, {"eos_token", "<|eot_id|>"}}, {}};
        ChatTemplateChoice c = chooseChatTemplate(llama3, "auto");
        QVERIFY(c.chatTemplate && c.warning.empty());
        QCOMPARE_STD(c.description, std::string("the model's own chat template (llama3, M/tokenizer_config.json, field chat_template)"));

        c = chooseChatTemplate(llama3, "llama3");
        QVERIFY(c.chatTemplate && c.warning.empty() && c.chatTemplate->origin() == llama3.origin);

        c = chooseChatTemplate(llama3, "chatml");
        QCOMPARE_STD(c.chatTemplate->origin(), std::string("built-in chatml template"));
        QCOMPARE_STD(c.warning, std::string("the run forces the built-in chatml template; the model's own (M/tokenizer_config.json, field chat_template) is llama3"));

        c = chooseChatTemplate(llama3, "plain");
        QVERIFY(!c.chatTemplate && c.warning.empty());

        c = chooseChatTemplate(ModelChatTemplate{}, "auto");
        QVERIFY(!c.chatTemplate && c.warning.empty());
        QVERIFY_CONTAINS(c.description, "the model declares no chat template");

        ModelChatTemplate gemma{dataTemplate("gemma-style.jinja"), "G", {{"eos_token", "<eos>"}}, {}};
        c = chooseChatTemplate(gemma, "auto");
        QVERIFY(!c.chatTemplate);
        QVERIFY_CONTAINS(c.warning, "cannot be split into turns");
        QVERIFY_CONTAINS(c.warning, "chat data uses the plain ### User: format");
        gemma.specialTexts = {"<eos>", "<end_turn>"};
        c = chooseChatTemplate(gemma, "auto");
        QVERIFY(c.chatTemplate && c.warning.empty());
        QCOMPARE_STD(c.chatTemplate->endOfTurn(), std::string("<end_turn>"));

        c = chooseChatTemplate(ModelChatTemplate{dataTemplate("zephyr-style.jinja"), "Z", {{"eos_token", "</s>"}}, {}}, "auto");
        QVERIFY(c.chatTemplate && c.warning.empty());
        QCOMPARE(c.chatTemplate->family(), ChatFamily::Unknown);

        QCOMPARE_STD(errorOf([&] { chooseChatTemplate(llama3, "vicuna"); }),
                     std::string("template 'vicuna' is not one of auto, llama3, llama2, mistral, chatml, plain"));
    }
};

QTEST_GUILESS_MAIN(TestChatTemplate)
#include "tst_chat_template.moc"
