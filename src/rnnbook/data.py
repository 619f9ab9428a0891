"""The book's data sets: verified downloads, safe extraction and small loaders.

Every data set is fetched from its official address, checked against a pinned
SHA-256 and only then moved into the cache folder. The cache folder is
``$RNNBOOK_DATA`` when that is set, else ``~/.cache/rnnbook``.

The rules, each covered by ``tests/test_data.py``:

* A file already in the cache folder is used without touching the network
  (its checksum is still verified).
* A download goes to a temporary file in the cache folder and is renamed into
  place with :func:`os.replace` only after its checksum matched, so an
  interrupted or corrupted download leaves nothing behind.
* Archives are extracted with :mod:`tarfile`'s ``data`` filter (no absolute
  paths, no ``..``, no links pointing out of the folder) into a temporary
  folder that is renamed into place when complete.
* A data set whose archive unpacks to a folder may also be given as that
  folder, already extracted (this is how CI points the book at offline copies).
  The folder is checked against the number of files each of its parts must
  hold (``Dataset.expected_files``), so a partial copy is reported, not used.
* Two processes may fetch the same data set at once: each downloads and
  extracts into its own temporary file or folder, and the one that finishes
  second uses the first one's result.
* Temporary files and folders left behind by a killed run are removed by the
  next run once they are older than :data:`STALE_SECONDS`.
* Without network and without a cached copy, :class:`DataUnavailableError`
  says which file is missing, where it comes from and where to put it; every
  network error (``URLError``, a timeout, ``http.client.IncompleteRead``...)
  becomes this error. A cache folder that is a file or cannot be written also
  raises it, saying to set ``RNNBOOK_DATA``.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "DATASETS", "Dataset", "DataUnavailableError", "ChecksumError",
    "STALE_SECONDS", "data_dir",
    "fetch", "download", "extract", "sha256sum",
    "load_text", "load_sunspots", "load_dinos", "load_imdb",
]


class DataUnavailableError(RuntimeError):
    """The file is not in the cache folder and could not be downloaded."""


class ChecksumError(ValueError):
    """A file's SHA-256 differs from the pinned one."""


#: A temporary download or extraction folder untouched for this many seconds
#: was left by a killed run (a running download writes to its file every few
#: ms).
STALE_SECONDS = 3600
#: What a failing download raises: no network, a timeout, a connection cut
#: mid-transfer (http.client.IncompleteRead), a server error.
_NETWORK_ERRORS = (urllib.error.URLError, http.client.HTTPException, OSError)


@dataclass(frozen=True)
class Dataset:
    """One downloadable file.

    ``filename`` is its path inside the cache folder. ``folder``, for archives,
    names the folder the archive unpacks to; when that folder is present the
    archive itself is not needed. ``expected_files`` lists, for such a folder,
    ``(subfolder, n)`` pairs: a complete copy holds exactly ``n`` ``*.txt``
    files in each ``subfolder``.
    """

    name: str
    url: str
    sha256: str
    filename: str
    folder: str | None = None
    cite: str = ""
    expected_files: tuple[tuple[str, int], ...] = ()


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "timemachine",
            "http://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt",
            "8424dbd9532ac81f7e5f0b6add90e6952baea29158309d7d1bf3884f4e12c516",
            "timemachine.txt", cite="wells1895time"),
        Dataset(
            "tinyshakespeare",
            "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/"
            "tinyshakespeare/input.txt",
            "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
            "tinyshakespeare/input.txt", cite="karpathy2015charrnn"),
        Dataset(
            "dinos",
            "https://raw.githubusercontent.com/prateekb1912/dinosaur-island/"
            "881521cb5431586bb513e9eddc92a8915c52a884/dinos.txt",
            "ad6465621cf56c08f71d4fbb40cf7eab763f9df42c54cc460d6c4d86e9c927fb",
            "dinos.txt", cite="ng2018sequence"),
        Dataset(
            "sunspots",
            "https://storage.googleapis.com/tensorflow-1-public/course4/"
            "Sunspots.csv",
            "0ef4cf0379879a9be0043885d8de1c1907ae852c903a0fcbbc58ba813efb3f10",
            "Sunspots.csv", cite="silso2018sunspots"),
        Dataset(
            "imdb",
            "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
            "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
            "aclImdb_v1.tar.gz", folder="aclImdb", cite="maas2011learning",
            # 12,500 labelled reviews per split and class (Maas et al.
            # 2011). The 50,000 unlabelled ones in train/unsup are not read
            # by load_imdb, and offline copies keep only a few of them, so
            # they are not counted.
            expected_files=tuple((f"{split}/{label}", 12_500)
                                 for split in ("train", "test")
                                 for label in ("pos", "neg"))),
    ]
}


def data_dir() -> Path:
    """The cache folder: ``$RNNBOOK_DATA`` if set, else
    ``~/.cache/rnnbook``."""
    env = os.environ.get("RNNBOOK_DATA")
    return (Path(env).expanduser() if env
            else Path.home() / ".cache" / "rnnbook")


def sha256sum(path: str | os.PathLike) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download(url: str, dest: str | os.PathLike, sha256: str, *,
             timeout: float = 60) -> Path:
    """Download ``url`` to ``dest`` atomically, verifying its SHA-256.

    The bytes go to a temporary file beside ``dest`` (a unique name, so that
    two processes never share one); only a file whose checksum matches is
    renamed to ``dest``. Raises :class:`ChecksumError` on a mismatch and
    :class:`DataUnavailableError` when the network fails or the folder cannot
    be written; in every case no file is left behind.
    """
    dest = Path(dest)
    _writable_folder(dest.parent)
    _remove_stale(dest.parent, f".{dest.name}.", ".part")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part",
                                   dir=dest.parent)
    except OSError as err:
        raise DataUnavailableError(_folder_message(dest.parent, err)) from err
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    _copy_with_progress(response, out, dest.name)
            except _NETWORK_ERRORS as err:
                raise DataUnavailableError(
                    _offline_message(dest, url, err)) from err
        got = sha256sum(tmp)
        if got != sha256:
            raise ChecksumError(
                f"{url} downloaded with SHA-256 {got}, expected {sha256}. "
                "The file was discarded; try again, or report the changed "
                "file."
            )
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return dest


def _copy_with_progress(response, out, label: str) -> None:
    from tqdm.auto import tqdm

    total = int(response.headers.get("Content-Length", 0) or 0) or None
    with tqdm(total=total, unit="B", unit_scale=True,
              desc=f"download {label}") as bar:
        for block in iter(lambda: response.read(1 << 16), b""):
            out.write(block)
            bar.update(len(block))


def _offline_message(dest: Path, url: str, err: Exception) -> str:
    return (
        f"Could not download {dest.name!r} from {url} "
        f"({type(err).__name__}: {err}). "
        f"Without network, download it on another machine and save it as "
        f"{dest} (or set RNNBOOK_DATA to a folder that holds "
        f"{dest.name!r})."
    )


def _folder_message(folder: Path, err: Exception) -> str:
    blocker = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        what = f"is not a folder ({blocker} is a file)"
    else:
        what = "cannot be written"
    return (
        f"The data folder {folder} {what}: {err}. Set the environment "
        "variable RNNBOOK_DATA to a folder you can write to (in a shell: "
        "export RNNBOOK_DATA=~/rnnbook-data; in Python, before fetching: "
        "os.environ['RNNBOOK_DATA'] = ...), or put the files there by hand."
    )


def _writable_folder(folder: Path) -> None:
    """Create ``folder`` if needed; a clear error if it is a file or cannot be
    made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    # FileExistsError (a file), NotADirectoryError, PermissionError
    except OSError as err:
        raise DataUnavailableError(_folder_message(folder, err)) from err


def _remove_stale(folder: Path, prefix: str, suffix: str = "") -> None:
    """Remove the temporary files or folders ``prefix<random>suffix`` of a
    killed run.

    Only those untouched for :data:`STALE_SECONDS`: a younger one may belong to
    a download or extraction running in another process. ``<random>`` is the
    dot-free part that :mod:`tempfile` adds, so ``.a.txt.*`` does not match the
    temporary files of ``a.txt.gz``.
    """
    cutoff = time.time() - STALE_SECONDS
    for p in folder.glob(glob.escape(prefix) + "*" + suffix):
        middle = p.name[len(prefix):len(p.name) - len(suffix)]
        try:
            if "." in middle or p.lstat().st_mtime >= cutoff:
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
        except OSError:       # removed meanwhile, or not ours to remove
            pass


def extract(archive: str | os.PathLike, dest_dir: str | os.PathLike,
            folder: str) -> Path:
    """Safely extract a tar archive whose top-level folder is ``folder``.

    Uses tarfile's ``data`` filter, which refuses absolute paths, ``..``
    components, links that point outside the destination and device files.
    The archive is unpacked into a temporary folder inside ``dest_dir`` and
    ``folder`` is renamed into place only when extraction has finished. If
    another process renamed its own extraction into place first, that one is
    kept and this one discarded. Returns ``dest_dir / folder``.
    """
    dest_dir = Path(dest_dir)
    # Python < 3.10.12:
    if not hasattr(tarfile, "data_filter"):  # pragma: no cover
        raise RuntimeError("safe extraction needs Python >= 3.11.4 "
                           "(tarfile data filter)")
    prefix = f".{folder}.extract-"
    _remove_stale(dest_dir, prefix)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=dest_dir))
    except OSError as err:
        raise DataUnavailableError(_folder_message(dest_dir, err)) from err
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        if not (tmp / folder).is_dir():
            found = sorted(p.name for p in tmp.iterdir())
            raise ValueError(f"{archive} should unpack to a folder "
                             f"{folder!r}, found {found}")
        target = dest_dir / folder
        try:
            os.replace(tmp / folder, target)
        # "Directory not empty": another process was first
        except OSError:
            if not target.is_dir():
                raise
        return target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _complete(spec: Dataset, folder: Path) -> Path:
    """Return ``folder`` if it holds ``spec.expected_files``, else say what
    is missing."""
    problems = []
    for sub, n in spec.expected_files:
        part = folder / sub
        if not part.is_dir():
            problems.append(f"{sub}/ is missing")
            continue
        with os.scandir(part) as entries:
            got = sum(1 for e in entries if e.name.endswith(".txt"))
        if got != n:
            problems.append(f"{sub} has {got:,} of {n:,} files")
    if problems:
        raise DataUnavailableError(
            f"The data set {spec.name!r} in {folder} is incomplete: "
            f"{'; '.join(problems)}. "
            f"Delete the folder {folder} and run again to download and "
            f"extract {spec.url}, "
            "or set RNNBOOK_DATA to a folder that holds a complete copy."
        )
    return folder


def fetch(name: str) -> Path:
    """Return the local path of data set ``name``, downloading it if needed.

    For an archive with a ``folder``, returns the extracted folder, after
    checking that it is complete.
    """
    if name not in DATASETS:
        raise KeyError(f"unknown data set {name!r}; known: {sorted(DATASETS)}")
    spec = DATASETS[name]
    root = data_dir()
    if spec.folder and (root / spec.folder).is_dir():
        return _complete(spec, root / spec.folder)
    path = root / spec.filename
    if path.exists():
        got = sha256sum(path)
        if got != spec.sha256:
            raise ChecksumError(
                f"{path} has SHA-256 {got}, expected {spec.sha256}. "
                f"Delete it and run again to download it from {spec.url}."
            )
    else:
        download(spec.url, path, spec.sha256)
    if spec.folder:
        return _complete(spec, extract(path, root, spec.folder))
    return path


# --------------------------------------------------------------------- loaders

def load_text(name: str = "timemachine") -> str:
    """The whole text of ``timemachine`` or ``tinyshakespeare`` as one
    string."""
    return fetch(name).read_text(encoding="utf-8")


def load_dinos() -> list[str]:
    """The dinosaur names of Ng's Sequence Models lab, lower-cased, one per
    entry."""
    return fetch("dinos").read_text(encoding="utf-8").lower().split("\n")


def load_sunspots() -> tuple[np.ndarray, np.ndarray]:
    """Monthly mean total sunspot number (WDC-SILSO), 1749-01 to 2018-07.

    Returns ``(dates, values)``: ``numpy.datetime64[M]`` months and float64
    values.
    """
    with open(fetch("sunspots"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    dates = np.array([r[1][:7] for r in rows], dtype="datetime64[M]")
    values = np.array([float(r[2]) for r in rows])
    return dates, values


def load_imdb(split: str = "train", *, limit: int | None = None
              ) -> tuple[list[str], np.ndarray]:
    """IMDB reviews of ``split`` ('train' or 'test') and labels (1 positive,
    0 negative).

    Files are read in sorted order, so the result is the same on every machine:
    the negative reviews first, then the positive ones. ``limit=N`` reads only
    the first N files of each of the two folders (a fixed, balanced subset of
    2N reviews, the same on every machine), for a quick run.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive integer (reviews per "
                         f"class) or None, got {limit!r}")
    root = fetch("imdb")
    texts, labels = [], []
    for label, sub in ((0, "neg"), (1, "pos")):
        files = sorted((root / split / sub).glob("*.txt"))
        if not files:
            raise DataUnavailableError(
                f"no reviews found in {root / split / sub}")
        files = files[:limit]
        texts += [p.read_text(encoding="utf-8") for p in files]
        labels += [label] * len(files)
    return texts, np.array(labels)
