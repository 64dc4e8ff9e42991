// The Jinja2 subset that renders chat templates (engine/src/text/jinja): every construct chat templates use,
// whitespace control as transformers configures it (trim_blocks, lstrip_blocks), Undefined against None, Python's
// printing of values, and errors that name the source, line and column. Expected texts are Jinja2 3.1's output,
// worked out by hand from its documented semantics.
#include <QtTest>

#include <ctime>
#include <fstream>
#include <sstream>

#include "l1ra/error.h"
#include "text/jinja/template.h"
#include "text/jinja/value_from_json.h"

using namespace l1ra;

namespace {

// The variables most rows render with.
const char* standardVariables = R"({
  "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
               {"role": "assistant", "content": "Hello!"}],
  "message": {"role": "user", "content": " spaced "},
  "d": {"items": "key"},
  "bos_token": "<s>", "eos_token": "</s>"
})";

std::vector<std::pair<std::string, jinja::Value>> variablesFrom(const std::string& json) {
    std::vector<std::pair<std::string, jinja::Value>> variables;
    const auto parsed = nlohmann::ordered_json::parse(json);
    for (const auto& [name, value] : parsed.items())
        variables.emplace_back(name, jinja::valueFromJson(value));
    return variables;
}

std::string render(const std::string& source, const std::string& variables = standardVariables) {
    return jinja::Template(source, "test.jinja").render(variablesFrom(variables)).text;
}

std::string failure(const std::string& source, const std::string& variables = standardVariables) {
    try {
        render(source, variables);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

std::string dataFile(const std::string& name) {
    std::ifstream in(std::string(L1RA_TEST_DATA) + "/chat-templates/" + name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void addRows(const std::vector<std::array<const char*, 3>>& rows) {
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("expected");
    for (const auto& row : rows) QTest::newRow(row[0]) << QString::fromUtf8(row[1]) << QString::fromUtf8(row[2]);
}

}  // namespace

class TestJinja : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void outputAndLiterals_data() {
        addRows({
            {"text", "hello", "hello"},
            {"values", "{{ 'a' }}{{ 1 }}{{ 1.5 }}{{ none }}{{ None }}{{ true }}{{ False }}", "a11.5NoneNoneTrueFalse"},
            {"comments", "a{# x #}b{# multi\nline #}c", "abc"},
            {"floats as Python prints them", "{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e16 }} {{ 0.0001 }} {{ 0.00001 }} {{ 1/3 }} {{ -0.0 }}",
             "1.0 0.30000000000000004 1e+16 0.0001 1e-05 0.3333333333333333 -0.0"},
            {"containers as Python prints them", "{{ [1, 'a', none, true] }} {{ {'k': 'v', 'n': 1.5} }} {{ (1,) }} {{ (1, 'x') }} {{ [undefined_var] }}",
             "[1, 'a', None, True] {'k': 'v', 'n': 1.5} (1,) (1, 'x') [Undefined]"},
            {"string repr picks its quotes", R"({{ ["it's", 'say "hi"', 'tab\there'] }})", R"(["it's", 'say "hi"', 'tab\there'])"},
            {"string escapes", R"({{ 'a\nb\t\x41\u00e9\101\\' }})", "a\nb\tA\xC3\xA9" "A\\"},
            {"adjacent strings join", "{{ 'a' 'b' \"c\" }}", "abc"},
            {"integer and float literals", "{{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 1e3 }} {{ 2.5e-1 }}", "31 15 5 1000 1000.0 0.25"},
            {"print tag", "{% print 'p' %}", "p"},
            {"tuple output", "{{ 1, 'a' }}", "(1, 'a')"},
        });
    }
    void outputAndLiterals() { check(); }

    void whitespaceControl_data() {
        addRows({
            {"trim_blocks drops the newline after a block tag", "{% if true %}\nyes\n{% endif %}\nend", "yes\nend"},
            {"lstrip_blocks drops indentation before a block tag", "  {% if true %}\n  x\n  {% endif %}\n", "  x\n"},
            {"neither applies to variable tags", "  {{ 'v' }}\nw", "  v\nw"},
            {"minus strips all whitespace on its side", "a  \n {{- 'b' -}} \n\n c", "abc"},
            {"plus turns both off", "  {%+ if true +%}\nx{% endif %}", "  \nx"},
            {"comments are trimmed like blocks", "a\n  {# c #}\nb", "a\nb"},
            {"lstrip only at the start of a line", "x {% if true %}y{% endif %}", "x y"},
            {"after a trimmed newline a line starts", "{% if true %}\n    {% if true %}z{% endif %}{% endif %}", "z"},
            {"line ends become newlines", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n", "a\nb\n"},
            {"one final newline is dropped", "a\n\n", "a\n"},
            {"raw keeps tags as text", "{% raw %}{{ x }}{% endraw %}", "{{ x }}"},
            {"raw opening tag keeps its newline", "{% raw %}\nx\n{% endraw %}\ny", "\nx\ny"},
            {"minus inside loops", "{%- for i in [1, 2] -%}\n  {{ i }}\n{%- endfor %}", "12"},
            {"unicode whitespace is whitespace", "a \xC2\xA0{{- 'b' }}", "ab"},
        });
    }
    void whitespaceControl() { check(); }

    void statements_data() {
        addRows({
            {"if elif else", "{% for x in [1, 2, 3] %}{% if x == 1 %}a{% elif x == 2 %}b{% else %}c{% endif %}{% endfor %}", "abc"},
            {"loop counters", "{% for x in 'ab' %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{{ loop.revindex0 }};{% endfor %}",
             "10TrueFalse221;21FalseTrue210;"},
            {"previtem and nextitem", "{% for x in [1, 2, 3] %}[{{ loop.previtem }}|{{ loop.nextitem }}]{% endfor %}", "[|2][1|3][2|]"},
            {"cycle and changed", "{% for x in [1, 1, 2] %}{{ loop.cycle('a', 'b') }}{{ loop.changed(x) }}{% endfor %}", "aTruebFalseaTrue"},
            {"for else", "{% for x in [] %}x{% else %}empty{% endfor %}", "empty"},
            {"for with a condition", "{% for x in range(6) if x is even %}{{ x }}{{ loop.index }}/{{ loop.length }} {% endfor %}", "01/3 22/3 43/3 "},
            {"unpacking", "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}{% for (a, b) in [[1, 2]] %}{{ a + b }}{% endfor %}", "a=1;b=2;3"},
            {"nested loops", "{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}{{ loop.index }}{% endfor %}{{ loop.index }};{% endfor %}", "1x11y21;2x12y22;"},
            {"break and continue", "{% for x in range(10) %}{% if x % 2 %}{% continue %}{% endif %}{% if x > 6 %}{% break %}{% endif %}{{ x }}{% endfor %}", "0246"},
            {"set in a loop stays in the loop", "{% set x = 0 %}{% for i in range(3) %}{{ x }}{% set x = x + 1 %}{{ x }}{% endfor %}{{ x }}", "0101010"},
            {"set in an if does not", "{% if true %}{% set y = 5 %}{% endif %}{{ y }}", "5"},
            {"namespace carries values out of loops", "{% set ns = namespace(total=0, seen=none) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }} {{ ns.seen }}", "6 None"},
            {"namespace from a dict", "{% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}", "12"},
            {"set unpacks", "{% set a, b = 'xy' %}{{ b }}{{ a }}", "yx"},
            {"block set", "{% set s %} {{ 1 + 1 }} {% endset %}[{{ s }}]{% set t | trim | upper %} hi {% endset %}[{{ t }}]", "[ 2 ][HI]"},
            {"macro with defaults and keywords", "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('Ann') }} {{ greet('Bo', '?') }} {{ greet(punct='.', name='Cy') }}",
             "Hi Ann! Hi Bo? Hi Cy."},
            {"macro varargs and kwargs", "{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, k='v') }}", "1(2, 3){'k': 'v'}"},
            {"macro sees the template's variables", "{% set g = 'G' %}{% macro m() %}{{ g }}{% endmacro %}{{ m() }}", "G"},
            {"call block", "{% macro box(t) %}[{{ t }}:{{ caller() }}]{% endmacro %}{% call box('x') %}in{% endcall %}", "[x:in]"},
            {"call block with arguments", "{% macro each(xs) %}{% for x in xs %}{{ caller(x) }}{% endfor %}{% endmacro %}{% call(v) each([1, 2]) %}<{{ v }}>{% endcall %}", "<1><2>"},
            {"filter block", "{% filter upper %}ab{{ 'c' }}{% endfilter %}", "ABC"},
            {"with block", "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a is defined }}", "3False"},
            {"generation block renders its body", "{% generation %}x{% endgeneration %}", "x"},
        });
    }
    void statements() { check(); }

    void accessAndOperators_data() {
        addRows({
            {"dict keys by dot and subscript", "{{ message.role }}{{ message['content'] }}{{ messages[1].content }}{{ messages[-1]['role'] }}{{ messages.0.role }}",
             "user spaced Hiassistantsystem"},
            {"missing keys and indexes are undefined", "[{{ message.missing }}][{{ messages[9] }}][{{ none.x is defined }}]", "[][][False]"},
            {"methods come before keys with a dot, keys before methods with []", "{{ d.items()|list }} {{ d['items'] }} {{ d.get('x', 0) }}", "[('items', 'key')] key 0"},
            {"slices", "{{ 'hello'[1:3] }} {{ 'hello'[::-1] }} {{ 'hello'[-3:] }} {{ [1, 2, 3, 4][::2] }} {{ [1, 2, 3][:-1] }} {{ '\xC3\xA9t\xC3\xA9'[1] }} {{ [1, 2, 3][5:] }} {{ (1, 2, 3)[1:] }}",
             "el olleh llo [1, 3] [1, 2] t [] (2, 3)"},
            {"arithmetic as in Python", "{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 2 ** 3 ** 2 }} {{ 2 ** -1 }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 10 - 2 - 3 }} {{ -7.5 // 2 }} {{ 7.5 % 2 }}",
             "3 -4 2 -2 3.5 1024 64 0.5 7 9 5 -4.0 1.5"},
            {"strings and lists", "{{ 'a' + 'b' }} {{ 'ab' * 2 }} {{ 'x' ~ 1 ~ none ~ undefined_var }} {{ [1] + [2] }} {{ '%s=%d' % ('k', 5) }}", "ab abab x1None [1, 2] k=5"},
            {"comparisons", "{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 'b' >= 'b' }} {{ 1 != 2 }}",
             "True False True True True True True True"},
            {"membership", "{{ 'ell' in 'hello' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} {{ not 1 in [1] }} {{ 'a' in undefined_var }}",
             "True True True True False False"},
            {"and and or return an operand", "{{ 0 or 'x' }} {{ 1 and 'y' }} {{ none or [] }} {{ not '' }} [{{ '' and 1 }}]", "x y [] True []"},
            {"inline if", "{{ 'y' if true else 'n' }}{{ 'y' if false else 'n' }}[{{ 'y' if false }}]{{ 1 if none is none }}", "yn[]1"},
            {"signs bind tighter than ** and filters", "{{ -3|abs }} {{ -(3) }} {{ +2 }} {{ - 2 ** 2 }}", "3 -3 2 4"},
        });
    }
    void accessAndOperators() { check(); }

    void filters_data() {
        addRows({
            {"trim", "[{{ '  a b \\n'|trim }}][{{ 'xxaxx'|trim('x') }}]", "[a b][a]"},
            {"length and count", "{{ 'h\xC3\xA9llo'|length }} {{ [1, 2]|count }} {{ {'a': 1}|length }} {{ undefined_var|length }}", "5 2 1 0"},
            {"string and list", "{{ 5|string }}{{ none|string }} {{ 'ab'|list }} {{ {'a': 1}|list }}", "5None ['a', 'b'] ['a']"},
            {"first and last", "{{ [1, 2, 3]|first }}{{ [1, 2, 3]|last }}{{ 'ab'|first }}[{{ []|first }}]", "13a[]"},
            {"join", "{{ [1, 'a', none]|join(',') }} {{ messages|join('|', attribute='role') }}", "1,a,None system|user|assistant"},
            {"case", "{{ 'hELLo wORLD'|upper }} {{ 'hELLo'|lower }} {{ 'hELLO wORLD'|capitalize }} {{ 'the-end of (it)'|title }}",
             "HELLO WORLD hello Hello world The-End Of (It)"},
            {"replace", "{{ 'a-b-c'|replace('-', '+') }} {{ 'a-b-c'|replace('-', '', 1) }}", "a+b+c ab-c"},
            {"default", "{{ undefined_var|default('d') }} {{ none|default('d') }} {{ ''|d('d', true) }} {{ 0|default(5) }}", "d None d 0"},
            {"selectattr and rejectattr", "{{ messages|selectattr('role', 'equalto', 'user')|map(attribute='content')|list }} {{ messages|rejectattr('role', 'in', ['system', 'user'])|list|length }}",
             "['Hi'] 1"},
            {"select and reject", "{{ range(6)|select('odd')|list }} {{ range(6)|reject('divisibleby', 3)|list }} {{ [0, 1, '', 'a']|select|list }}",
             "[1, 3, 5] [1, 2, 4, 5] [1, 'a']"},
            {"map", "{{ ['a', 'b']|map('upper')|join }} {{ messages|map(attribute='missing', default='?')|join }}", "AB ???"},
            {"items and dictsort", "{{ {'b': 1, 'A': 2}|items|list }} {{ {'b': 1, 'A': 2, 'a': 3}|dictsort }} {{ {'x': 2, 'y': 1}|dictsort(by='value', reverse=true) }}",
             "[('b', 1), ('A', 2)] [('A', 2), ('a', 3), ('b', 1)] [('x', 2), ('y', 1)]"},
            {"int and float", "{{ '42'|int }} {{ '3.9'|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ 3.9|int }} {{ '2.5'|float }} {{ 'x'|float }} {{ 1|float }}",
             "42 3 0 7 3 2.5 0.0 1.0"},
            {"abs and round", "{{ -2|abs }} {{ -2.5|abs }} {{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 2.1|round(0, 'ceil') }} {{ 2.9|round(0, 'floor') }} {{ 7|round }}",
             "2 2.5 2.0 4.0 2.67 3.0 2.0 7"},
            {"safe and escape", "{{ '<b>'|safe }} {{ '<a href=\"x\">&\\'</a>'|e }}", "<b> &lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;"},
            {"indent", "{{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ 'a\\n\\nb'|indent('> ', blank=true) }}", "a\n  b\n\n  c|  a\n  b|a\n> \n> b"},
            {"unique", "{{ ['a', 'A', 'b', 'a']|unique|list }} {{ ['a', 'A']|unique(case_sensitive=true)|list }}", "['a', 'b'] ['a', 'A']"},
            {"sort", "{{ ['b', 'A', 'c']|sort }} {{ [3, 1, 2]|sort(reverse=true) }} {{ [{'n': 2}, {'n': 1}]|sort(attribute='n')|map(attribute='n')|list }} {{ ['b', 'A']|sort(case_sensitive=true) }}",
             "['A', 'b', 'c'] [3, 2, 1] [1, 2] ['A', 'b']"},
            {"reverse", "{{ 'abc'|reverse }} {{ [1, 2, 3]|reverse|list }}", "cba [3, 2, 1]"},
            {"min max sum", "{{ [3, 1, 2]|min }} {{ ['b', 'A']|max }} {{ [1, 2, 3]|sum }} {{ messages|map(attribute='content')|map('length')|sum }}", "1 b 6 17"},
            {"wordcount", "{{ 'one two  three'|wordcount }}", "3"},
            {"tojson keeps key order and non-ASCII text", "{{ {'b': [1, 2.5, none, true], 'a': '\xC3\xA9\"\\n'}|tojson }}", "{\"b\": [1, 2.5, null, true], \"a\": \"\xC3\xA9\\\"\\n\"}"},
            {"tojson with an indent", "{{ {'a': [1, {'b': 2}], 'c': {}}|tojson(indent=2) }}", "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ],\n  \"c\": {}\n}"},
            {"tojson sorted or ASCII", "{{ {'b': 1, 'a': '\xC3\xA9'}|tojson(sort_keys=true) }} {{ '\xC3\xA9'|tojson(ensure_ascii=true) }}", "{\"a\": \"\xC3\xA9\", \"b\": 1} \"\\u00e9\""},
            {"format and attr", "{{ '%s-%s'|format('a', 1) }} [{{ message|attr('role') }}] {{ (message|attr('get'))('role') }}", "a-1 [] user"},
        });
    }
    void filters() { check(); }

    void testsAndMethods_data() {
        addRows({
            {"type tests", "{{ 1 is number }}{{ 1.5 is number }}{{ true is number }}{{ 1 is integer }}{{ true is integer }}{{ 1.5 is float }}{{ 'a' is string }}{{ true is boolean }}{{ none is boolean }}",
             "TrueTrueTrueTrueFalseTrueTrueTrueFalse"},
            {"container tests", "{{ {} is mapping }}{{ [] is mapping }}{{ [] is sequence }}{{ 'a' is sequence }}{{ 'a' is iterable }}{{ 1 is iterable }}{{ undefined_var is iterable }}",
             "TrueFalseTrueTrueTrueFalseTrue"},
            {"value tests", "{{ true is true }}{{ 1 is true }}{{ false is false }}{{ 3 is odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 9 is divisibleby(4) }}",
             "TrueFalseTrueTrueTrueTrueFalse"},
            {"comparison tests", "{{ 'user' is eq 'user' }}{{ 'a' is equalto('b') }}{{ 1 is ne 2 }}{{ 2 is gt 1 }}{{ 2 is ge 3 }}{{ 1 is lt 2 }}{{ 1 is le 0 }}{{ 2 is in [1, 2] }}",
             "TrueFalseTrueTrueFalseTrueFalseTrue"},
            {"other tests", "{{ 'ABC' is upper }}{{ 'aBc' is lower }}{{ none is sameas none }}{{ range is callable }}{{ 'trim' is filter }}{{ 'odd' is test }}{{ 1 is not none }}{{ x is defined }}{{ message is defined }}",
             "TrueFalseTrueTrueTrueTrueTrueFalseTrue"},
            {"string methods", "{{ ' x '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ ' x '.lstrip() }}|{{ ' x '.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a-b-c'.rsplit('-', 1) }}|{{ 'l1\\nl2'.splitlines() }}",
             "x|hi|x | x|['a', 'b', '', 'c']|['a', 'b']|['a', 'b c']|['a-b', 'c']|['l1', 'l2']"},
            {"more string methods", "{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x', 'c')) }}|{{ 'aXa'.replace('a', 'b') }}|{{ 'Hello'.upper() }}{{ 'Hello'.lower() }}|{{ 'hello world'.title() }}|{{ 'h\xC3\xA9llo'.find('l') }}{{ 'abc'.find('z') }}|{{ 'a'.join(['x', 'y']) }}|{{ '{} {name}'.format(1, name='n') }}|{{ 'aaa'.count('a') }}",
             "TrueTrue|bXb|HELLOhello|Hello World|2-1|xay|1 n|3"},
            {"dict methods", "{{ message.items()|list }}|{{ message.keys()|list }}|{{ message.values()|list }}|{{ message.get('role') }}{{ message.get('x') }}{{ message.get('x', 'd') }}",
             "[('role', 'user'), ('content', ' spaced ')]|['role', 'content']|['user', ' spaced ']|userNoned"},
            {"range", "{{ range(3)|list }} {{ range(1, 7, 2)|list }} {{ range(3, 0, -1)|list }}", "[0, 1, 2] [1, 3, 5] [3, 2, 1]"},
            {"dict and joiner", "{{ dict(a=1, b='x') }} {% set j = joiner('/') %}{% for x in 'abc' %}{{ j() }}{{ x }}{% endfor %}", "{'a': 1, 'b': 'x'} a/b/c"},
            {"undefined prints nothing and iterates as empty", "[{{ undefined_var }}][{% for x in undefined_var %}x{% endfor %}][{{ undefined_var == undefined_other }}][{{ undefined_var == none }}][{{ not undefined_var }}]",
             "[][][True][False][True]"},
            {"undefined in ~, default and or", "{{ 'a' ~ undefined_var ~ 'b' }}{{ undefined_var|default('x') }}{{ undefined_var or 'o' }}", "abxo"},
            {"select returns a generator: always true", "{% if []|select %}T{% endif %}{{ []|select|list }}", "T[]"},
        });
    }
    void testsAndMethods() { check(); }

    void errorsNameSourceLineAndColumn_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("expected");
        const std::vector<std::array<const char*, 3>> rows = {
            {"missing expression", "{{ 1 }}\n{% if %}{% endif %}", "test.jinja, line 2, column 7: expected an expression, got '%}'"},
            {"end tag of another block", "{% for x in y %}\n{% endif %}", "test.jinja, line 2, column 4: unexpected 'endif'; expected 'endfor' or 'else'"},
            {"unclosed block", "{% for x in [1] %}", "test.jinja, line 1, column 19: unexpected end of template; expected 'endfor' or 'else'"},
            {"unknown filter", "{{ x | nosuchfilter }}", "test.jinja, line 1, column 8: no filter named 'nosuchfilter'"},
            {"unknown test", "{{ 1 is nosuchtest }}", "test.jinja, line 1, column 6: no test named 'nosuchtest'"},
            {"refused tag", "{% include 'x' %}", "test.jinja, line 1, column 4: the 'include' tag is not supported in chat templates"},
            {"do is not enabled", "{% do x %}", "test.jinja, line 1, column 4: the 'do' tag is not supported in chat templates"},
            {"unterminated string", "{{ 'open }}", "test.jinja, line 1, column 4: unterminated string"},
            {"unterminated comment", "a {# open", "test.jinja, line 1, column 3: missing end of comment tag"},
            {"dangling operator", "{{ 1 + }}", "test.jinja, line 1, column 8: unexpected '}}'"},
            {"type error", "line1\n{{ 'a' + 1 }}", "test.jinja, line 2, column 8: can only concatenate str (not \"int\") to str"},
            {"columns count characters", "h\xC3\xA9llo {{ 1 + 'a' }}", "test.jinja, line 1, column 12: unsupported operand type(s) for +: 'int' and 'str'"},
            {"raise_exception", "{% if true %}\n  {{ raise_exception('No system role') }}\n{% endif %}",
             "test.jinja, line 2, column 6: the template raised an error: No system role"},
            {"break outside a loop", "{% break %}", "test.jinja, line 1, column 4: 'break' outside of a loop"},
            {"lists cannot change", "{{ [1].append(2) }}", "test.jinja, line 1, column 4: access to attribute 'append' of 'list' object is unsafe"},
            {"unpacking", "{% set a, b = [1] %}", "test.jinja, line 1, column 4: not enough values to unpack (expected 2, got 1)"},
            {"division by zero", "{{ 1 / 0 }}", "test.jinja, line 1, column 6: division by zero"},
            {"ordering across types", "{{ 'a' < 1 }}", "test.jinja, line 1, column 8: '<' not supported between instances of 'str' and 'int'"},
            {"attribute of undefined", "{{ undefined_var.attr }}", "test.jinja, line 1, column 4: 'undefined_var' is undefined"},
            {"arithmetic on undefined", "{{ undefined_var + 1 }}", "test.jinja, line 1, column 18: 'undefined_var' is undefined"},
            {"calling undefined", "{{ undefined_var() }}", "test.jinja, line 1, column 4: 'undefined_var' is undefined"},
            {"len of a generator", "{{ [1]|select|length }}", "test.jinja, line 1, column 15: object of type 'generator' has no len()"},
            {"sandbox range limit", "{{ range(200000)|length }}", "test.jinja, line 1, column 4: range too big (the sandbox allows 100000 items)"},
            {"runaway macro recursion", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "test.jinja, line 1, column 19: macros call each other more than 200 deep"},
            {"huge repetition", "{{ 'ab' * 100000000000 }}", "test.jinja, line 1, column 9: the repeated sequence would be too long"},
        };
        for (const auto& row : rows) QTest::newRow(row[0]) << QString::fromUtf8(row[1]) << QString::fromUtf8(row[2]);
    }
    void errorsNameSourceLineAndColumn() {
        QFETCH(QString, source);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(failure(source.toStdString())), expected);
    }

    // Nesting that would exhaust the stack is refused while parsing; ordinary depth is fine.
    void pathologicalNestingIsAnError() {
        QCOMPARE(QString::fromStdString(render("{{ " + std::string(60, '(') + "1" + std::string(60, ')') + " }}")), QString("1"));
        const std::string deep = "{{ " + std::string(300, '(') + "1" + std::string(300, ')') + " }}";
        QVERIFY(failure(deep).find("expressions or blocks nest more than 256 deep") != std::string::npos);
        std::string chain = "{{ 1";
        for (int i = 0; i < 400; ++i) chain += " + 1";
        QVERIFY(failure(chain + " }}").find("nest more than 256 deep") != std::string::npos);
        std::string blocks;
        for (int i = 0; i < 300; ++i) blocks += "{% if true %}";
        QVERIFY(failure(blocks).find("nest more than 256 deep") != std::string::npos);
    }

    void strftimeNowIsTheLocalDate() {
        auto today = [] {
            const std::time_t now = std::time(nullptr);
            std::tm local{};
            localtime_r(&now, &local);
            char buffer[32];
            std::strftime(buffer, sizeof buffer, "%d %b %Y", &local);
            return std::string(buffer);
        };
        const std::string before = today();
        const std::string rendered = render("{{ strftime_now('%d %b %Y') }}");
        QVERIFY2(rendered == before || rendered == today(), rendered.c_str());
    }

    void generationBlocksMarkTheirOutput() {
        const auto r = jinja::Template("a{% generation %}bc{% endgeneration %}d{% generation %}{% endgeneration %}", "t").render({});
        QCOMPARE(QString::fromStdString(r.text), QString("abcd"));
        QCOMPARE(r.generated, (std::vector<std::pair<size_t, size_t>>{{1, 3}, {4, 4}}));
    }

    // A template in the style of Llama 3.1 Instruct with tools in the system message: tojson(indent=4), 'in' on a
    // message, mappings in tool results, messages[1:].
    void llama31StyleTemplateWithTools() {
        const std::string variables = R"({
          "bos_token": "<s>", "date_string": "5 May 2025", "tools_in_user_message": false, "add_generation_prompt": false,
          "tools": [{"type": "function", "function": {"name": "get_weather"}}],
          "messages": [{"role": "system", "content": " Be brief. "}, {"role": "user", "content": "Weather?"},
                       {"role": "assistant", "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}]},
                       {"role": "tool", "content": {"temp": 3}}, {"role": "assistant", "content": "3 degrees."}]})";
        const std::string expected =
            "<s><|start_header_id|>system<|end_header_id|>\n\nEnvironment: ipython\nKnowledge cutoff: 2023\nToday: 5 May 2025\n\n"
            "{\n    \"type\": \"function\",\n    \"function\": {\n        \"name\": \"get_weather\"\n    }\n}\n\n"
            "Be brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWeather?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}<|eot_id|>"
            "<|start_header_id|>ipython<|end_header_id|>\n\n{\"temp\": 3}<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n3 degrees.<|eot_id|>";
        QCOMPARE(QString::fromStdString(render(dataFile("llama31-style.jinja"), variables)), QString::fromStdString(expected));
    }

    // A template in the style of Qwen2.5: default system message, tools, tool calls, consecutive tool results
    // grouped by looking at messages[loop.index0 - 1].
    void qwen25StyleTemplateWithToolCalls() {
        const std::string variables = R"({
          "add_generation_prompt": false, "tools": [{"name": "get_weather"}],
          "messages": [{"role": "user", "content": "Weather in Oslo?"},
                       {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}]},
                       {"role": "tool", "content": "3"}, {"role": "tool", "content": "sunny"},
                       {"role": "assistant", "content": "3 degrees and sunny."}]})";
        const std::string expected =
            "<|im_start|>system\nYou are a helpful assistant.\n\n# Tools\n<tools>\n{\"name\": \"get_weather\"}\n</tools><|im_end|>\n"
            "<|im_start|>user\nWeather in Oslo?<|im_end|>\n"
            "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call><|im_end|>\n"
            "<|im_start|>user\n<tool_response>\n3\n</tool_response>\n<tool_response>\nsunny\n</tool_response><|im_end|>\n"
            "<|im_start|>assistant\n3 degrees and sunny.<|im_end|>\n";
        QCOMPARE(QString::fromStdString(render(dataFile("qwen25-style.jinja"), variables)), QString::fromStdString(expected));
    }

    void nemoStyleTemplateChecksAlternation() {
        const std::string variables = R"({"bos_token": "<s>", "eos_token": "</s>",
          "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]})";
        QVERIFY(failure(dataFile("nemo-style.jinja"), variables).find("the template raised an error: roles must alternate") != std::string::npos);
    }

    void renderingIsRepeatable() {
        const jinja::Template t("{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}", "t");
        const auto variables = variablesFrom(standardVariables);
        QCOMPARE(QString::fromStdString(t.render(variables).text), QString("3"));
        QCOMPARE(QString::fromStdString(t.render(variables).text), QString("3"));
    }

private:
    void check() {
        QFETCH(QString, source);
        QFETCH(QString, expected);
        std::string rendered;
        try {
            rendered = render(source.toStdString());
        } catch (const Error& e) {
            QFAIL(e.what());
        }
        QCOMPARE(QString::fromStdString(rendered), expected);
    }
};

QTEST_GUILESS_MAIN(TestJinja)
#include "tst_jinja.moc"
