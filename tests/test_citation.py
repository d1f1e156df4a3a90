"""CITATION.cff is valid CFF 1.2.0 and agrees with the book's own citation details."""

import copy
import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

import rdlib

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "data" / "cff-1.2.0.schema.json").read_text())


@pytest.fixture(scope="module")
def cff():
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def validate(document):
    jsonschema.Draft7Validator(
        SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    ).validate(document)


def test_citation_file_is_valid_cff_1_2_0(cff):
    validate(cff)


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.pop("cff-version"),
        lambda d: d.update({"cff-version": "1.1.0"}),
        lambda d: d.pop("authors"),
        lambda d: d.update({"license": "not-a-licence"}),
        lambda d: d["preferred-citation"].update({"type": "novel"}),
    ],
)
def test_the_validator_rejects_broken_files(cff, breakage):
    broken = copy.deepcopy(cff)
    breakage(broken)
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def test_citation_matches_the_book(cff, config):
    url = config["repository"]["url"]
    assert cff["title"] == config["title"]
    assert cff["preferred-citation"]["title"] == config["title"]
    assert cff["repository-code"] == url
    assert cff["preferred-citation"]["url"] == url
    assert cff["authors"][0]["name"] == config["author"]
    intro = (ROOT / "chapters" / "intro.md").read_text(encoding="utf-8")
    bibtex = re.search(r"```bibtex\n(.*?)```", intro, re.S).group(1)
    assert f"url    = {{{url}}}" in bibtex
    assert f"year   = {{{cff['preferred-citation']['year']}}}" in bibtex
    assert config["title"].replace("–", "--") in bibtex
    assert cff["version"] in bibtex


def test_one_version_everywhere(cff):
    """pyproject.toml, rdlib.__version__, CITATION.cff and the landing page name one version."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    version = pyproject["project"]["version"]
    assert rdlib.__version__ == version
    assert cff["version"] == version
    intro = (ROOT / "chapters" / "intro.md").read_text(encoding="utf-8")
    bibtex = re.search(r"```bibtex\n(.*?)```", intro, re.S).group(1)
    download = re.search(r"<p><a href=\"\.\./book\.pdf\">Download PDF</a>.*?</p>", intro, re.S)
    assert download, "the landing page links the PDF (make pdf copies it to _build/html/)"
    for text in (bibtex, download.group(0), cff["preferred-citation"]["notes"]):
        assert f"version {version}" in text
    named = re.findall(r"version (\d+\.\d+\.\d+)", intro + cff["preferred-citation"]["notes"])
    assert set(named) == {version}
