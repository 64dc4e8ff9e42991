# Chat templates, plain C++ (no torch, no Qt): a Jinja2 subset interpreter that renders models' chat templates as
# transformers does, and the chat-template layer on top (docs/chat-templates.md). Included from engine/CMakeLists.txt.
add_library(l1ra_chat_template STATIC
  ${CMAKE_CURRENT_LIST_DIR}/jinja/value.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/python_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/value_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/value_from_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/source_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/lexer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/parser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/expression_parser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/interpreter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/expression_eval.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/operators.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/access.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/methods.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/filters.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/sequence_filters.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/predicates.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/globals.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jinja/template.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chat_family.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chat_template.cpp
  ${CMAKE_CURRENT_LIST_DIR}/model_chat_template.cpp
)
# Headers are included as "text/..." (engine/src) and "l1ra/..." (the public plain-C++ headers).
target_include_directories(l1ra_chat_template PUBLIC ${CMAKE_CURRENT_LIST_DIR}/.. ${CMAKE_CURRENT_LIST_DIR}/../../include)
target_link_libraries(l1ra_chat_template PUBLIC nlohmann_json::nlohmann_json)
set_target_properties(l1ra_chat_template PROPERTIES POSITION_INDEPENDENT_CODE ON)


