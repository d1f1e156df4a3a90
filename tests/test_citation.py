"""CITATION.cff is valid CFF 1.2.0 and agrees with the book's own citation details."""

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

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
