"""What the source-code walker knows about each language: data only, no tree-sitter import.

Each language names its tree-sitter grammar, the file extensions it claims, which nodes are
string literals, which nodes join literals, which nodes wrap a value without changing it, which
nodes open a scope (for locators), and one tree-sitter query whose captures say where a value
is bound to a name:

* ``@name`` + ``@value``: an assignment, a declaration with an initialiser, a keyword argument,
  a default parameter, or a pair in a dict / object / map / hash literal;
* ``@multi``: a node binding several names to several values (Go ``a, b := "x", "y"``);
* ``@call`` + ``@method`` + ``@args`` + ``@value``: a call with one argument (``setPassword("x")``);
* ``@call`` + ``@method`` + ``@args`` + ``@key`` + ``@value``: a call with two arguments, the
  first a string key (``props.put("password", "x")``, ``os.Setenv("API_TOKEN", "x")``).

Comparisons, returns and plain arguments are not bindings and are never captured.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Lang:
    name: str  # as shown in locators
    grammar: str  # tree-sitter-language-pack name
    extensions: tuple[str, ...]
    strings: frozenset[str]  # string literal node types
    concat: frozenset[str]  # binary nodes that may join literals with "+" or "."
    wrappers: frozenset[str]  # nodes that hold one value unchanged: (x), x as T, [x] ...
    scopes: dict[str, str]  # node type -> "class" or "func"
    query: str
    calls: frozenset[str] = frozenset()  # calls that may convert a literal: "x".encode(), []byte("x")

    @property
    def value_types(self) -> frozenset[str]:
        """Node types a bound value may have and still be a literal; the query captures only
        these as ``(_) @value``, so most bindings never reach Python."""
        return self.strings | self.concat | self.wrappers | self.calls


# Named children of a string literal that are part of its text (anything else, such as an
# interpolation, makes the literal a computed value).
STRING_PARTS = frozenset(
    {
        "string_content",
        "string_fragment",
        "escape_sequence",
        "string_start",
        "string_end",
        "interpreted_string_literal_content",
        "raw_string_literal_content",
        "string_literal_content",
        "multiline_string_fragment",
        "raw_string_start",
        "raw_string_content",
        "raw_string_end",
        "line_str_text",
        "multi_line_str_text",
        "character_literal_content",
    }
)
# Delimiter-like named children (Python's string_start/end, C#'s raw string fences).
STRING_FENCES = frozenset({"string_start", "string_end", "raw_string_start", "raw_string_end"})

_COMMON_WRAPPERS = frozenset({"parenthesized_expression"})

PYTHON = Lang(
    name="python",
    grammar="python",
    calls=frozenset({"call"}),
    extensions=(".py", ".pyw"),
    strings=frozenset({"string"}),
    concat=frozenset({"concatenated_string", "binary_operator"}),
    wrappers=_COMMON_WRAPPERS | {"expression_list"},  # a, b = "x", "y"
    scopes={"class_definition": "class", "function_definition": "func"},
    query="""
(assignment left: (_) @name right: (_) @value)
(named_expression name: (_) @name value: (_) @value)
(keyword_argument name: (identifier) @name value: (_) @value)
(default_parameter name: (identifier) @name value: (_) @value)
(typed_default_parameter name: (identifier) @name value: (_) @value)
(pair key: (_) @name value: (_) @value)
(call function: [(identifier) @method (attribute attribute: (identifier) @method)]
      arguments: (argument_list . (_) @value .) @args) @call
(call function: [(identifier) @method (attribute attribute: (identifier) @method)]
      arguments: (argument_list . (string) @key . (_) @value .) @args) @call
""",
)

_JS_QUERY = """
(variable_declarator name: (_) @name value: (_) @value)
(assignment_expression left: (_) @name right: (_) @value)
(pair key: (_) @name value: (_) @value)
(assignment_pattern left: (_) @name right: (_) @value)
(call_expression function: [(identifier) @method (member_expression property: (_) @method)]
      arguments: (arguments . (_) @value .) @args) @call
(call_expression function: [(identifier) @method (member_expression property: (_) @method)]
      arguments: (arguments . (string) @key . (_) @value .) @args) @call
"""
_JSX_QUERY = """
(jsx_attribute (property_identifier) @name . [(string) (jsx_expression)] @value)
"""
_TS_QUERY = """
(public_field_definition name: (_) @name value: (_) @value)
(required_parameter pattern: (_) @name value: (_) @value)
(optional_parameter pattern: (_) @name value: (_) @value)
"""
_JS_STRINGS = frozenset({"string", "template_string"})
_JS_WRAPPERS = _COMMON_WRAPPERS | {"jsx_expression"}
_TS_WRAPPERS = _COMMON_WRAPPERS | {"as_expression", "satisfies_expression", "non_null_expression"}
_JS_SCOPES = {
    "class_declaration": "class",
    "class": "class",
    "abstract_class_declaration": "class",
    "function_declaration": "func",
    "generator_function_declaration": "func",
    "function_expression": "func",
    "method_definition": "func",
}

JAVASCRIPT = Lang(
    name="javascript",
    grammar="javascript",
    calls=frozenset({"call_expression", "new_expression"}),
    extensions=(".js", ".mjs", ".cjs", ".jsx"),
    strings=_JS_STRINGS,
    concat=frozenset({"binary_expression"}),
    wrappers=_JS_WRAPPERS,
    scopes=_JS_SCOPES,
    query=_JS_QUERY + _JSX_QUERY + "(field_definition property: (_) @name value: (_) @value)\n",
)

TYPESCRIPT = Lang(
    name="typescript",
    grammar="typescript",
    calls=frozenset({"call_expression", "new_expression"}),
    extensions=(".ts", ".mts", ".cts"),
    strings=_JS_STRINGS,
    concat=frozenset({"binary_expression"}),
    wrappers=_TS_WRAPPERS,
    scopes=_JS_SCOPES,
    query=_JS_QUERY + _TS_QUERY,
)

TSX = Lang(
    name="tsx",
    grammar="tsx",
    calls=frozenset({"call_expression", "new_expression"}),
    extensions=(".tsx",),
    strings=_JS_STRINGS,
    concat=frozenset({"binary_expression"}),
    wrappers=_TS_WRAPPERS | {"jsx_expression"},
    scopes=_JS_SCOPES,
    query=_JS_QUERY + _TS_QUERY + _JSX_QUERY,
)

JAVA = Lang(
    name="java",
    grammar="java",
    calls=frozenset({"method_invocation", "object_creation_expression"}),
    extensions=(".java",),
    strings=frozenset({"string_literal"}),
    concat=frozenset({"binary_expression"}),
    wrappers=_COMMON_WRAPPERS,
    scopes={
        "class_declaration": "class",
        "interface_declaration": "class",
        "enum_declaration": "class",
        "record_declaration": "class",
        "method_declaration": "func",
        "constructor_declaration": "func",
    },
    query="""
(variable_declarator name: (_) @name value: (_) @value)
(assignment_expression left: (_) @name right: (_) @value)
(element_value_pair key: (_) @name value: (_) @value)
(method_invocation name: (identifier) @method arguments: (argument_list . (_) @value .) @args) @call
(method_invocation name: (identifier) @method
      arguments: (argument_list . (string_literal) @key . (_) @value .) @args) @call
""",
)

KOTLIN = Lang(
    name="kotlin",
    grammar="kotlin",
    calls=frozenset({"call_expression"}),
    extensions=(".kt", ".kts"),
    strings=frozenset({"string_literal"}),
    concat=frozenset({"additive_expression"}),
    wrappers=_COMMON_WRAPPERS | {"value_argument"},
    scopes={
        "class_declaration": "class",
        "object_declaration": "class",
        "companion_object": "class",
        "function_declaration": "func",
    },
    query="""
(property_declaration (variable_declaration (simple_identifier) @name) "=" . (_) @value)
(class_parameter (simple_identifier) @name "=" . (_) @value)
(function_value_parameters (parameter (simple_identifier) @name) . "=" . (_) @value)
(assignment (directly_assignable_expression) @name "=" . (_) @value)
(value_argument (simple_identifier) @name "=" . (_) @value)
(infix_expression . (string_literal) @name . (simple_identifier) @_to . (_) @value . (#eq? @_to "to"))
(call_expression [(simple_identifier) @method (navigation_expression (navigation_suffix (simple_identifier) @method) .)]
      (call_suffix (value_arguments . (value_argument . (_) @value .) .) @args)) @call
(call_expression [(simple_identifier) @method (navigation_expression (navigation_suffix (simple_identifier) @method) .)]
      (call_suffix (value_arguments . (value_argument . (string_literal) @key .) . (value_argument . (_) @value .) .) @args)) @call
""",
)

GO = Lang(
    name="go",
    grammar="go",
    calls=frozenset({"call_expression"}),
    extensions=(".go",),
    strings=frozenset({"interpreted_string_literal", "raw_string_literal"}),
    concat=frozenset({"binary_expression"}),
    wrappers=_COMMON_WRAPPERS | {"literal_element", "expression_list", "type_conversion_expression"},
    scopes={"function_declaration": "func", "method_declaration": "func", "type_spec": "class"},
    query="""
(short_var_declaration left: (_) @name right: (_) @value) @multi
(assignment_statement left: (_) @name right: (_) @value) @multi
(var_spec) @multi
(const_spec) @multi
(keyed_element key: (_) @name value: (_) @value)
(call_expression function: [(identifier) @method (selector_expression field: (_) @method)]
      arguments: (argument_list . (_) @value .) @args) @call
(call_expression function: [(identifier) @method (selector_expression field: (_) @method)]
      arguments: (argument_list . [(interpreted_string_literal) (raw_string_literal)] @key . (_) @value .) @args) @call
""",
)

RUBY = Lang(
    name="ruby",
    grammar="ruby",
    calls=frozenset({"call"}),
    extensions=(".rb", ".rake", ".gemspec"),
    strings=frozenset({"string"}),
    concat=frozenset({"binary"}),
    wrappers=frozenset({"parenthesized_statements"}),
    scopes={
        "class": "class",
        "module": "class",
        "singleton_class": "class",
        "method": "func",
        "singleton_method": "func",
    },
    query="""
(assignment left: (_) @name right: (_) @value)
(operator_assignment left: (_) @name right: (_) @value)
(pair key: (_) @name value: (_) @value)
(optional_parameter name: (_) @name value: (_) @value)
(keyword_parameter name: (_) @name value: (_) @value)
(call method: (identifier) @method arguments: (argument_list . (_) @value .) @args) @call
(call method: (identifier) @method arguments: (argument_list . (string) @key . (_) @value .) @args) @call
""",
)

PHP = Lang(
    name="php",
    grammar="php",
    extensions=(".php",),
    strings=frozenset({"string", "encapsed_string"}),
    concat=frozenset({"binary_expression"}),
    wrappers=_COMMON_WRAPPERS | {"argument"},
    scopes={
        "class_declaration": "class",
        "interface_declaration": "class",
        "trait_declaration": "class",
        "function_definition": "func",
        "method_declaration": "func",
    },
    query="""
(assignment_expression left: (_) @name right: (_) @value)
(property_element name: (_) @name default_value: (_) @value)
(const_element (name) @name . "=" . (_) @value)
(array_element_initializer . (_) @name . "=>" . (_) @value .)
(argument name: (_) @name . (_) @value .)
(simple_parameter name: (_) @name default_value: (_) @value)
(function_call_expression function: (_) @method arguments: (arguments . (argument) @value .) @args) @call
(function_call_expression function: (_) @method
      arguments: (arguments . (argument [(string) (encapsed_string)]) @key . (argument) @value .) @args) @call
(member_call_expression name: (_) @method arguments: (arguments . (argument) @value .) @args) @call
(member_call_expression name: (_) @method
      arguments: (arguments . (argument [(string) (encapsed_string)]) @key . (argument) @value .) @args) @call
""",
)

CSHARP = Lang(
    name="csharp",
    grammar="csharp",
    calls=frozenset({"invocation_expression", "object_creation_expression"}),
    extensions=(".cs", ".csx"),
    strings=frozenset({"string_literal", "verbatim_string_literal", "raw_string_literal"}),
    concat=frozenset({"binary_expression"}),
    wrappers=_COMMON_WRAPPERS | {"argument"},
    scopes={
        "class_declaration": "class",
        "struct_declaration": "class",
        "record_declaration": "class",
        "interface_declaration": "class",
        "method_declaration": "func",
        "constructor_declaration": "func",
        "local_function_statement": "func",
    },
    query="""
(variable_declarator name: (_) @name "=" . (_) @value)
(property_declaration name: (_) @name value: (_) @value)
(assignment_expression left: (_) @name right: (_) @value)
(argument name: (_) @name ":" . (_) @value)
(attribute_argument name: (_) @name . (_) @value .)
(parameter name: (_) @name . (_) @value .)
(initializer_expression . (string_literal) @name . (_) @value .)
(invocation_expression function: [(identifier) @method (member_access_expression name: (_) @method)]
      arguments: (argument_list . (argument) @value .) @args) @call
(invocation_expression function: [(identifier) @method (member_access_expression name: (_) @method)]
      arguments: (argument_list . (argument (string_literal)) @key . (argument) @value .) @args) @call
""",
)

LANGS: tuple[Lang, ...] = (PYTHON, JAVASCRIPT, TYPESCRIPT, TSX, JAVA, KOTLIN, GO, RUBY, PHP, CSHARP)
BY_EXTENSION: dict[str, Lang] = {ext: lang for lang in LANGS for ext in lang.extensions}


def language_for(path: str) -> Lang | None:
    from secretscan.sources.parser_paths import base_name, suffix  # path parsing only

    name = base_name(path).lower()
    if name.endswith((".min.js", ".bundle.js", ".d.ts")):
        return None  # minified bundles and type declarations hold no hand-written values
    return BY_EXTENSION.get(suffix(name))
