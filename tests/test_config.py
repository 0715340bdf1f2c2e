"""The TOML config: annotator, label set (add, rename, recolour, rebind) and keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmark.annotations.settings.config import ConfigError, load_config
from newsmark.annotations.settings.labels import DEFAULT_LABELS


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "none.toml")
    assert config.labels == DEFAULT_LABELS
    assert [lab.name for lab in config.labels] == ["claim", "denial", "source", "figure"]
    assert config.annotator
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "none.toml", required=True)


def test_labels_and_keys(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text(
        'annotator = "ana"\n'
        '[[labels]]\nname = "assertion"\nkey = "1"\ncolour = "purple"\n'
        '[[labels]]\nname = "quote"\nkey = "q"\ncolour = "#00AA00"\n'
        '[keys]\n"reader.delete" = "d"\n'
    )
    config = load_config(f)
    assert config.annotator == "ana"
    assert [(lab.name, lab.key, lab.colour) for lab in config.labels] == [
        ("assertion", "1", "#7e22ce"),
        ("quote", "q", "#00aa00"),
    ]
    assert config.keys == {"reader.delete": "d"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("annotator = [", "not valid TOML"),
        ("colour = 1", "unknown setting"),
        ('[[labels]]\nname = "x"\nkey = "1"\ncolour = "nope"', "'colour' must be"),
        ('[[labels]]\nname = ""\nkey = "1"\ncolour = "red"', "'name' must be"),
        (
            '[[labels]]\nname = "a"\nkey = "1"\ncolour = "red"\n'
            '[[labels]]\nname = "b"\nkey = "1"\ncolour = "red"',
            "share the key '1'",
        ),
        ("[keys]\n'reader.delete' = 3", r"\[keys\] must map"),
        ('annotator = ""', "'annotator' must be"),
    ],
)
def test_bad_config_is_reported_with_path(tmp_path: Path, body: str, message: str) -> None:
    f = tmp_path / "c.toml"
    f.write_text(body)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(f)
    assert str(f) in str(info.value)
