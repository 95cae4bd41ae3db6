from decimal import Decimal
from pathlib import Path

from helpdesk.policies.yamlsource import read_document, render_path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_lines_are_recorded_for_every_key_and_list_item(tmp_path):
    doc = read_document(write(tmp_path, "a:\n  b: 1\n  c:\n    - x\n    - y\n"))
    assert doc.errors == []
    assert doc.data == {"a": {"b": 1, "c": ["x", "y"]}}
    assert doc.lines[("a",)] == 1
    assert doc.lines[("a", "b")] == 2
    assert doc.lines[("a", "c", 1)] == 5


def test_missing_path_falls_back_to_nearest_parent(tmp_path):
    doc = read_document(write(tmp_path, "top: 1\nblock:\n  inner: 2\n"))
    assert doc.line_of(("block", "absent", "deeper")) == 2
    assert doc.line_of(("nowhere",)) == 1


def test_yaml_surprises_are_removed(tmp_path):
    doc = read_document(
        write(tmp_path, "countries: [NO, no, yes, on]\nflag: true\nhours: 17:30\nprice: 4.95\n")
    )
    assert doc.data["countries"] == ["NO", "no", "yes", "on"]
    assert doc.data["flag"] is True
    assert doc.data["hours"] == "17:30"
    assert doc.data["price"] == Decimal("4.95") and isinstance(doc.data["price"], Decimal)


def test_syntax_error_names_file_and_line(tmp_path):
    doc = read_document(write(tmp_path, "a: 1\nb: [1, 2\nc: 3\n"))
    assert doc.data is None
    [error] = doc.errors
    assert error.file == "x.yml" and error.line >= 2
    assert "is not valid YAML" in str(error)


def test_duplicate_key_is_an_error(tmp_path):
    doc = read_document(write(tmp_path, "a: 1\nb: 2\na: 3\n"))
    [error] = doc.errors
    assert str(error) == "x.yml line 3: a is written twice (first on line 1)"


def test_empty_file(tmp_path):
    assert [str(e) for e in read_document(write(tmp_path, "# only a comment\n")).errors] == [
        "x.yml line 1: is empty"
    ]


def test_render_path():
    assert render_path(("markets", "EU", "tiers", 2, "name")) == "markets.EU.tiers[2].name"
    assert render_path(()) == ""
