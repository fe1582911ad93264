"""Every rule's documented examples, run as tests, plus the behaviour the examples cannot show."""

from __future__ import annotations

from pathlib import Path

import pytest

from txo.compat.registry import Shim
from txo.migrate.engine import check_source
from txo.migrate.options import CheckOptions
from txo.migrate.rules import RULES, Rule, rule_for
from txo.migrate.rules.txo101_config_get import is_config_name
from txo.migrate.rules.txo601_secret_logging import looks_secret

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules"
RULES_SOURCE = Path(__file__).resolve().parents[3] / "txo" / "migrate" / "rules"


def _examples(kind: str) -> list[tuple[str, str]]:
    return [(rule.code, ex) for rule in RULES for ex in rule.examples(kind)]


def codes(source: str, **options: object) -> list[str]:
    return [f.code for f in check_source(source, "example.py", CheckOptions(**options))]  # type: ignore[arg-type]


@pytest.mark.parametrize(("code", "source"), _examples("flagged"))
def test_flagged_example_produces_exactly_its_code(code: str, source: str) -> None:
    found = codes(source)
    assert found, f"{code} example produced nothing:\n{source}"
    assert set(found) == {code}, f"{code} example produced {found}:\n{source}"


@pytest.mark.parametrize(("code", "source"), _examples("accepted"))
def test_accepted_example_produces_nothing(code: str, source: str) -> None:
    assert codes(source) == [], f"{code} accepted example was flagged:\n{source}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented_with_examples(rule: type[Rule]) -> None:
    assert rule.code and rule.name and rule.summary
    assert "Why" in rule.description() or rule.code == "TXO001"
    assert len(rule.examples("flagged")) >= 1 and len(rule.examples("accepted")) >= 1
    assert rule_for(rule.code.lower()) is rule


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docs_page_matches_rule(rule: type[Rule]) -> None:
    page = DOCS / f"{rule.code}.md"
    assert page.read_text(encoding="utf-8") == rule.markdown(), (
        f"docs/rules/{rule.code}.md is stale: txo-migrate rule {rule.code} --markdown > {page}"
    )


def test_codes_are_unique_and_sorted() -> None:
    all_codes = [r.code for r in RULES]
    assert all_codes == sorted(set(all_codes))


# --- TXO101 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("config", True), ("cfg", True), ("conf", True), ("settings", True), ("CONFIG", True),
        ("app_config", True), ("_config", True), ("appConfig", True), ("config_dict", True),
        ("config_loader", False), ("configure", False), ("data", False), ("response", False),
    ],
)  # fmt: skip
def test_config_names(name: str, expected: bool) -> None:
    assert is_config_name(name) is expected


def test_config_get_chain_is_one_finding_naming_the_receiver() -> None:
    src = "def f(config):\n    return config.get('a', {}).get('b', {}).get('c')\n"
    findings = check_source(src)
    assert [f.code for f in findings] == ["TXO101"]
    assert "config.get('a', {}).get('b', {})" in findings[0].message


def test_module_level_config_binding_is_seen_from_functions() -> None:
    src = "data = load_config('x')\n\n\ndef f():\n    return data.get('global')\n"
    assert codes(src, codes=frozenset({"TXO101"})) == ["TXO101"]


def test_local_binding_shadows_module_config() -> None:
    src = "data = load_config('x')\n\n\ndef f(data):\n    return data.get('id')\n"
    assert codes(src, codes=frozenset({"TXO101"})) == []


# --- TXO201 -------------------------------------------------------------------

EXITING = (
    "import sys\n\n\nclass App:\n    def run(self):\n"
    "        def inner():\n            sys.exit(2)\n        inner()\n"
)


@pytest.mark.parametrize(
    ("entry", "path"),
    [
        (("pkg.app", "App.run"), "pkg/app.py"),
        (("app", "App.run"), "pkg/app.py"),
        (("src/pkg/app.py", "App.run"), "pkg/app.py"),
    ],
)
def test_declared_entry_point_may_exit(entry: tuple[str, str], path: str) -> None:
    options = CheckOptions(entry_points=(entry,))
    assert check_source(EXITING, path, options) == []


def test_other_entry_points_do_not_cover_this_function() -> None:
    options = CheckOptions(entry_points=(("pkg.other", "App.run"), ("pkg.app", "App.stop")))
    assert [f.code for f in check_source(EXITING, "pkg/app.py", options)] == ["TXO201"]


def test_main_guard_else_branch_is_library_code() -> None:
    src = 'import sys\n\nif __name__ == "__main__":\n    pass\nelse:\n    sys.exit(1)\n'
    assert codes(src) == ["TXO201"]


# --- TXO301 / TXO401 ----------------------------------------------------------


def test_max_function_lines_is_configurable() -> None:
    src = "def f():\n" + "    x = 1\n" * 9
    assert codes(src, max_function_lines=10) == []
    assert codes(src, max_function_lines=9) == ["TXO401"]


def test_long_function_reported_at_def_line_not_decorator() -> None:
    src = "@decorate\ndef f():\n" + "    x = 1\n" * 60
    (finding,) = check_source(src)
    assert (finding.code, finding.line, finding.col) == ("TXO401", 2, 1)
    assert "61 lines" in finding.message


def test_mutated_container_reported_once_at_its_definition() -> None:
    src = "_seen = set()\n\n\ndef a(x):\n    _seen.add(x)\n\n\ndef b(x):\n    _seen.discard(x)\n"
    (finding,) = check_source(src)
    assert (finding.code, finding.line) == ("TXO301", 1)
    assert "line 5" in finding.message


# --- TXO501 -------------------------------------------------------------------

SHIMS = {
    "utils.logger.setup_logger": Shim(
        "utils.logger.setup_logger", "txo.log.setup_logging", "TXO501", "4.0"
    ),
    "utils.load_n_save.TxoDataHandler": Shim(
        "utils.load_n_save.TxoDataHandler", "txo.data.DataHandler", "TXO501", "4.0", "note"
    ),
}


def deprecated(source: str) -> list[str]:
    findings = check_source(source, "s.py", CheckOptions(shims=SHIMS))
    assert {f.code for f in findings} <= {"TXO501"}
    return [f.message for f in findings]


def test_message_names_replacement_and_removal_version() -> None:
    (message,) = deprecated("from utils.load_n_save import TxoDataHandler\n")
    assert "txo.data.DataHandler" in message and "4.0" in message and "note" in message


def test_package_reexport_falls_back_to_the_unique_submodule_name() -> None:
    assert len(deprecated("from utils import TxoDataHandler, setup_logger\n")) == 2


def test_module_import_alone_is_not_flagged_but_each_use_is() -> None:
    src = "import utils.logger as lg\n\n\ndef f():\n    lg.setup_logger()\n    lg.setup_logger()\n"
    assert len(deprecated(src)) == 2
    assert deprecated("import utils.logger\n") == []


def test_compat_path_is_the_same_name() -> None:
    (message,) = deprecated("from txo.compat.v21.load_n_save import TxoDataHandler as H\n")
    assert "txo.compat.v21" in message


def test_reads_the_real_registry_by_default() -> None:
    assert codes("from utils.logger import setup_logger\n") == ["TXO501"]


# --- TXO601 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("token", True), ("access_token", True), ("_client_secret", True), ("client-secret", True),
        ("clientSecret", True), ("api_key", True), ("apiKey", True), ("PASSWORD", True),
        ("Authorization", True), ("bearer", True), ("credentials", True),
        ("token_url", False), ("token_type", False), ("secret_name", False), ("has_token", False),
        ("tokens", False), ("org_id", False), ("password_policy", False), ("api", False),
    ],
)  # fmt: skip
def test_secret_names(name: str, expected: bool) -> None:
    assert looks_secret(name) is expected


@pytest.mark.parametrize(
    "call",
    [
        'print("%s" % (token,))',
        "logger.info('x=%s', {'a': token})",
        "logging.getLogger(__name__).info(token)",
        "print('a' + (token or 'none'))",
        "logger.info('x', extra={'password': pw})",
    ],
)
def test_secret_found_through_formatting(call: str) -> None:
    assert codes(f"import logging\n\n\ndef f(token, logger, pw):\n    {call}\n") == ["TXO601"]


# --- TXO502 -------------------------------------------------------------------


def test_string_category_is_not_reported_inside_the_compat_layer() -> None:
    source = 'def f(paths):\n    return paths.path("config", "x.json")\n'
    assert [f.code for f in check_source(source, "scripts/x.py")] == ["TXO502"]
    assert check_source(source, "txo/compat/v21/_impl/x.py") == []


def test_example_files_follow_the_class_examples_on_the_page() -> None:
    txo201 = rule_for("TXO201")
    assert txo201.flagged == () and len(txo201.examples("flagged")) == 8
    page = txo201.markdown()
    assert page.index("os._exit(3)") < page.index("raise SystemExit(1)")  # file-name order
    txo101 = rule_for("TXO101")
    assert txo101.examples("accepted") == txo101.accepted  # no files: the class's own


def test_rule_sources_hold_no_split_call_strings() -> None:
    """Examples that text searches must not see live in example files, not in split strings."""
    import re

    split = re.compile(r"""(["'])[ \t]+\1\(""")  # "sys.exit" "(1)": a call split in two literals
    offenders = [p.name for p in sorted(RULES_SOURCE.glob("*.py")) if split.search(p.read_text())]
    assert offenders == []
