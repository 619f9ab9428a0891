"""rnnbook.data: verified, atomic downloads, cache hits, offline errors, safe
extraction."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rnnbook import data


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("RNNBOOK_DATA", str(folder))
    return folder


@pytest.fixture
def no_network(monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise urllib.error.URLError("network is unreachable (test)")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return calls


def _register(monkeypatch, **kw):
    spec = data.Dataset(**kw)
    monkeypatch.setitem(data.DATASETS, spec.name, spec)
    return spec


def test_download_verifies_and_renames_into_place(tmp_path):
    src = tmp_path / "src.txt"
    src.write_bytes(b"hello sequences\n")
    dest = tmp_path / "out" / "hello.txt"
    data.download(src.as_uri(), dest, _sha(b"hello sequences\n"))
    assert dest.read_bytes() == b"hello sequences\n"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["hello.txt"]


def test_checksum_mismatch_is_rejected_and_leaves_no_file(tmp_path):
    src = tmp_path / "src.txt"
    src.write_bytes(b"tampered")
    dest = tmp_path / "out" / "file.txt"
    with pytest.raises(data.ChecksumError, match="expected " + "0" * 64):
        data.download(src.as_uri(), dest, "0" * 64)
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []  # no .part file either


def test_cache_hit_touches_no_network(cache, no_network, monkeypatch):
    body = b"cached text"
    _register(
        monkeypatch,
        name="toy",
        url="https://example.invalid/toy.txt",
        sha256=_sha(body),
        filename="toy.txt",
    )
    cache.mkdir()
    (cache / "toy.txt").write_bytes(body)
    assert data.fetch("toy") == cache / "toy.txt"
    assert no_network == []


def test_corrupt_cached_file_is_reported(cache, monkeypatch):
    _register(
        monkeypatch,
        name="toy",
        url="https://example.invalid/toy.txt",
        sha256=_sha(b"good"),
        filename="toy.txt",
    )
    cache.mkdir()
    (cache / "toy.txt").write_bytes(b"bad")
    with pytest.raises(data.ChecksumError, match="Delete it"):
        data.fetch("toy")


def test_offline_error_names_file_url_and_folder(
    cache, no_network, monkeypatch
):
    _register(
        monkeypatch,
        name="toy",
        url="https://example.invalid/toy.txt",
        sha256=_sha(b"x"),
        filename="toy.txt",
    )
    with pytest.raises(data.DataUnavailableError) as err:
        data.fetch("toy")
    msg = str(err.value)
    assert (
        "'toy.txt'" in msg
        and "https://example.invalid/toy.txt" in msg
        and str(cache) in msg
    )
    assert len(no_network) == 1
    assert [p for p in cache.iterdir()] == []  # nothing half-written


def _tar_bytes(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for info, payload in members:
            tar.addfile(
                info, io.BytesIO(payload) if payload is not None else None
            )
    return buf.getvalue()


def _file(name: str, payload: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    return info, payload


def test_archive_is_extracted_to_its_folder(cache, no_network, monkeypatch):
    blob = _tar_bytes(
        [_file("pack/a.txt", b"A"), _file("pack/sub/b.txt", b"B")]
    )
    _register(
        monkeypatch,
        name="pack",
        url="https://example.invalid/pack.tar.gz",
        sha256=_sha(blob),
        filename="pack.tar.gz",
        folder="pack",
    )
    cache.mkdir()
    (cache / "pack.tar.gz").write_bytes(blob)
    folder = data.fetch("pack")
    assert (folder / "sub" / "b.txt").read_bytes() == b"B"
    assert sorted(p.name for p in cache.iterdir()) == ["pack", "pack.tar.gz"]
    # Second call: the extracted folder is used as it is.
    (cache / "pack.tar.gz").unlink()
    assert data.fetch("pack") == folder


@pytest.mark.parametrize(
    "evil", ["../escaped.txt", "link-out", "hardlink-out"]
)
def test_malicious_archive_is_refused(tmp_path, evil):
    members = [_file("pack/ok.txt", b"ok")]
    if evil.startswith("link") or evil.startswith("hardlink"):
        info = tarfile.TarInfo("pack/link")
        info.type = tarfile.SYMTYPE if evil == "link-out" else tarfile.LNKTYPE
        info.linkname = (
            "../../escaped.txt" if evil == "link-out" else "../escaped.txt"
        )
        members.append((info, None))
    else:
        members.append(_file(evil, b"pwned"))
    archive = tmp_path / "evil.tar.gz"
    archive.write_bytes(_tar_bytes(members))
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(tarfile.TarError):
        data.extract(archive, dest, "pack")
    assert not (tmp_path / "escaped.txt").exists()
    assert (
        list(dest.iterdir()) == []
    )  # the temporary folder is gone, nothing renamed


def test_absolute_paths_stay_inside(tmp_path):
    target = tmp_path / "outside" / "abs.txt"
    archive = tmp_path / "abs.tar.gz"
    archive.write_bytes(
        _tar_bytes([_file("pack/ok.txt", b"ok"), _file(str(target), b"pwned")])
    )
    dest = tmp_path / "dest"
    dest.mkdir()
    folder = data.extract(archive, dest, "pack")
    assert not target.exists()  # the data filter strips the leading "/"
    assert sorted(p.name for p in folder.iterdir()) == ["ok.txt"]
    assert sorted(p.name for p in dest.iterdir()) == ["pack"]


def test_archive_without_expected_folder(tmp_path):
    archive = tmp_path / "a.tar.gz"
    archive.write_bytes(_tar_bytes([_file("other/x.txt", b"x")]))
    with pytest.raises(ValueError, match="should unpack to a folder 'pack'"):
        data.extract(archive, tmp_path, "pack")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tar.gz"]


def test_unknown_dataset():
    with pytest.raises(KeyError, match="unknown data set"):
        data.fetch("nope")


# The real files: CI and `make test` point RNNBOOK_DATA at offline copies.
shared = pytest.mark.skipif(
    not os.environ.get("RNNBOOK_DATA"),
    reason="RNNBOOK_DATA not set (set by make test)",
)


@shared
def test_offline_copies_load_and_verify(no_network):
    text = data.load_text("timemachine")
    assert text.startswith("The Time Machine, by H. G. Wells")
    assert len(data.load_text("tinyshakespeare")) == 1_115_394
    names = data.load_dinos()
    assert len(names) == 1536 and names[0] == "aachenosaurus"
    dates, values = data.load_sunspots()
    assert (
        len(values) == 3235
        and str(dates[0]) == "1749-01"
        and values[0] == 96.7
    )
    texts, labels = data.load_imdb("test")
    assert len(texts) == len(labels) > 0 and set(labels) == {0, 1}


# ---------------------------------------------------------- no silent failures


def _tree(root: Path, counts: dict[str, int]) -> None:
    for sub, n in counts.items():
        (root / sub).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            (root / sub / f"{i}_1.txt").write_text("review")


def test_incomplete_extracted_folder_is_reported(
    cache, no_network, monkeypatch
):
    _register(
        monkeypatch,
        name="pack",
        url="https://example.invalid/pack.tar.gz",
        sha256=_sha(b"x"),
        filename="pack.tar.gz",
        folder="pack",
        expected_files=(("pos", 3), ("neg", 3)),
    )
    _tree(cache / "pack", {"pos": 2})
    with pytest.raises(data.DataUnavailableError) as err:
        data.fetch("pack")
    msg = str(err.value)
    assert "pos has 2 of 3" in msg and "neg" in msg and "missing" in msg
    assert (
        str(cache / "pack") in msg
        and "Delete" in msg
        and "RNNBOOK_DATA" in msg
    )
    _tree(cache / "pack", {"pos": 3, "neg": 3})
    assert data.fetch("pack") == cache / "pack"


def test_imdb_folder_with_two_files_is_reported(cache, no_network):
    _tree(cache / "aclImdb", {"train/pos": 1, "train/neg": 1})
    with pytest.raises(
        data.DataUnavailableError, match=r"train/pos has 1 of 12,500"
    ):
        data.load_imdb("train")


def test_imdb_expects_the_official_counts():
    counts = dict(data.DATASETS["imdb"].expected_files)
    assert counts == {
        f"{s}/{c}": 12_500 for s in ("train", "test") for c in ("pos", "neg")
    }


def _pack(cache, monkeypatch, n=3):
    blob = _tar_bytes([_file(f"pack/pos/{i}.txt", b"A") for i in range(n)])
    _register(
        monkeypatch,
        name="pack",
        url="https://example.invalid/pack.tar.gz",
        sha256=_sha(blob),
        filename="pack.tar.gz",
        folder="pack",
        expected_files=(("pos", n),),
    )
    cache.mkdir(exist_ok=True)
    (cache / "pack.tar.gz").write_bytes(blob)


def test_extraction_accepts_a_folder_another_process_finished(
    cache, monkeypatch
):
    _pack(cache, monkeypatch)
    real_replace = os.replace

    def other_process_first(src, dst):  # the other process renames first
        if Path(dst) == cache / "pack" and not Path(dst).exists():
            _tree(cache / "pack", {"pos": 3})
        return real_replace(src, dst)

    monkeypatch.setattr(data.os, "replace", other_process_first)
    assert data.fetch("pack") == cache / "pack"
    assert sorted(p.name for p in cache.iterdir()) == [
        "pack",
        "pack.tar.gz",
    ]  # no temp left


def test_concurrent_fetches_of_one_archive(cache, no_network, monkeypatch):
    import threading

    _pack(cache, monkeypatch, n=40)
    results, errors = [], []

    def work():
        try:
            results.append(data.fetch("pack"))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [cache / "pack"] * 6
    assert len(list((cache / "pack" / "pos").iterdir())) == 40
    assert sorted(p.name for p in cache.iterdir()) == ["pack", "pack.tar.gz"]


def test_data_folder_that_is_a_file(tmp_path, monkeypatch, no_network):
    not_a_folder = tmp_path / "data.txt"
    not_a_folder.write_text("oops")
    monkeypatch.setenv("RNNBOOK_DATA", str(not_a_folder))
    _register(
        monkeypatch,
        name="toy",
        url="https://example.invalid/toy.txt",
        sha256=_sha(b"x"),
        filename="toy.txt",
    )
    with pytest.raises(data.DataUnavailableError) as err:
        data.fetch("toy")
    msg = str(err.value)
    assert (
        "RNNBOOK_DATA" in msg
        and str(not_a_folder) in msg
        and "not a folder" in msg
    )
    assert no_network == []  # refused before any download


@pytest.mark.parametrize("make", ["mkstemp", "mkdtemp"])
def test_read_only_data_folder(cache, monkeypatch, make):
    """A folder we may not write to (simulated: the tests may run as root)."""
    if make == "mkstemp":
        src = cache.parent / "src.txt"
        src.write_bytes(b"x")
        _register(
            monkeypatch,
            name="toy",
            url=src.as_uri(),
            sha256=_sha(b"x"),
            filename="toy.txt",
        )
        name = "toy"
    else:
        _pack(cache, monkeypatch)
        name = "pack"
    cache.mkdir(exist_ok=True)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(cache))

    monkeypatch.setattr(data.tempfile, make, refuse)
    with pytest.raises(data.DataUnavailableError) as err:
        data.fetch(name)
    msg = str(err.value)
    assert (
        "RNNBOOK_DATA" in msg
        and str(cache) in msg
        and "Permission denied" in msg
    )


def test_incomplete_read_is_wrapped(tmp_path, monkeypatch):
    import http.client

    class Truncated(io.BytesIO):
        headers = {"Content-Length": "100"}

        def read(self, n=-1):
            raise http.client.IncompleteRead(b"partial", 93)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: Truncated())
    dest = tmp_path / "out" / "file.txt"
    with pytest.raises(
        data.DataUnavailableError, match="IncompleteRead|partial"
    ):
        data.download("https://example.invalid/file.txt", dest, _sha(b"x"))
    assert list(dest.parent.iterdir()) == []


def test_stale_part_files_of_the_target_are_removed(tmp_path):
    import time

    src = tmp_path / "src.txt"
    src.write_bytes(b"body")
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".file.txt.dead1234.part"  # left by a killed download
    fresh = out / ".file.txt.live5678.part"  # another download, still running
    other = out / ".other.txt.dead9999.part"  # another target's
    for p in (stale, fresh, other):
        p.write_bytes(b"half")
    old = time.time() - 2 * data.STALE_SECONDS
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    data.download(src.as_uri(), out / "file.txt", _sha(b"body"))
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["file.txt", fresh.name, other.name]
    )


@shared
def test_imdb_limit_reads_a_fixed_balanced_subset(no_network):
    texts, labels = data.load_imdb("train", limit=3)
    assert len(texts) == 6 and labels.tolist() == [0, 0, 0, 1, 1, 1]
    full, _ = data.load_imdb("train")
    assert texts[:3] == full[:3]             # the first files of neg, sorted
    assert texts[3:] == full[12_500:12_503]  # and of pos


@pytest.mark.parametrize("limit", [0, -2, 1.5, "10"])
def test_imdb_limit_must_be_a_positive_integer(limit):
    with pytest.raises(ValueError, match="limit must be a positive integer"):
        data.load_imdb("train", limit=limit)
