"""The safe YAML reader: bounded, tag-free, line-aware."""

from __future__ import annotations

import time

import pytest

from genai_cli.knowledge.yamlsafe import MAX_BYTES, LList, LMap, Plain, YamlError, clean, read_yaml
from tests.hostile import billion_laughs


class TestReadYaml:
    """Plain values with line numbers; anything dangerous is a YamlError."""

    def test_values_remember_lines(self) -> None:
        root = read_yaml("terms:\n  - slug: a\n    name: A\n")
        assert isinstance(root, LMap) and root.key_lines == {"terms": 1}
        items = root["terms"]
        assert isinstance(items, LList) and items.item_lines == [2]
        assert items[0].key_lines == {"slug": 2, "name": 3}

    def test_non_text_scalars_are_flagged_not_converted(self) -> None:
        root = read_yaml("a: no\nb: 1:20\nc: 2024-01-01\nd: '1:20'\ne: null\n")
        assert root["a"] == Plain("bool", "no", 1)
        assert root["b"] == Plain("int", "1:20", 2)
        assert root["c"] == Plain("timestamp", "2024-01-01", 3)
        assert root["d"] == "1:20"
        assert root["e"] == Plain("null", "null", 5)

    def test_billion_laughs_is_refused_quickly(self) -> None:
        started = time.perf_counter()
        with pytest.raises(YamlError, match="aliases expand to more than"):
            read_yaml(billion_laughs())
        assert time.perf_counter() - started < 1.0

    @pytest.mark.parametrize("depth", [100, 5000, 50_000])
    def test_deep_nesting_is_refused(self, depth: int) -> None:
        with pytest.raises(YamlError):
            read_yaml("[" * depth + "]" * depth)
        with pytest.raises(YamlError):
            read_yaml("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)))

    def test_oversized_file_is_refused(self) -> None:
        with pytest.raises(YamlError, match="larger than"):
            read_yaml(b"#" * (MAX_BYTES + 1))

    @pytest.mark.parametrize(
        "text",
        [
            "a: !!python/object/apply:os.system ['true']",
            "a: !!python/name:os.system",
            "a: !!binary aGVsbG8=",
            "a: !custom x",
            "!!set {a, b}",
        ],
    )
    def test_tags_are_refused(self, text: str) -> None:
        with pytest.raises(YamlError, match="tag"):
            read_yaml(text)

    def test_duplicate_keys_are_refused(self) -> None:
        with pytest.raises(YamlError, match="duplicate key 'a' \\(first at line 1\\)") as err:
            read_yaml("a: 1\nb: 2\na: 3\n")
        assert err.value.line == 3

    def test_two_documents_are_refused(self) -> None:
        with pytest.raises(YamlError, match="more than one YAML document"):
            read_yaml("a: 1\n---\nb: 2\n")

    def test_non_text_keys_are_refused(self) -> None:
        with pytest.raises(YamlError, match="must be text"):
            read_yaml("yes: 1\n")

    def test_not_utf8_is_refused(self) -> None:
        with pytest.raises(YamlError, match="not UTF-8"):
            read_yaml(b"a: \xff\xfe\n")

    def test_control_characters_are_removed_raw_and_escaped(self) -> None:
        raw = "a: x\x1b[31my\x9b\u202ez\x08\n".encode()
        assert read_yaml(raw) == {"a": "x[31myz"}
        assert read_yaml('a: "p\\eq\\rr\\x85s\\tt"\n') == {"a": "pqrs\tt"}

    def test_clean_keeps_newline_and_tab(self) -> None:
        assert clean("a\tb\nc\x00d\x7fe\u2066f") == "a\tb\ncdef"
