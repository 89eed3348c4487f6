"""Settings: where the brochures are found when no setting says."""

from __future__ import annotations

import subprocess

from ratecard import config


def _repo(path):
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def test_it_finds_the_brochures_beside_the_checkout(tmp_path, monkeypatch):
    (tmp_path / "shared" / "brochures").mkdir(parents=True)
    monkeypatch.setattr(config, "REPO_ROOT", _repo(tmp_path / "ratecard"))
    assert config.shared_brochures() == tmp_path / "shared" / "brochures"


def test_it_finds_them_beside_the_repository_a_clone_was_made_from(tmp_path, monkeypatch):
    (tmp_path / "work" / "shared" / "brochures").mkdir(parents=True)
    origin = _repo(tmp_path / "work" / "main")
    subprocess.run(["git", "-C", str(origin), "commit", "-q", "--allow-empty", "-m", "start"], check=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"})
    clone = tmp_path / "elsewhere" / "ci"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
    monkeypatch.setattr(config, "REPO_ROOT", clone)
    assert config.shared_brochures() == (tmp_path / "work" / "shared" / "brochures").resolve()


def test_it_names_the_folder_beside_the_checkout_when_there_is_none(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "REPO_ROOT", _repo(tmp_path / "lonely"))
    assert config.shared_brochures() == tmp_path / "shared" / "brochures"
