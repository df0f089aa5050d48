"""Synthesise pieces of text with Piper, in a child process of audio.py (not a Django module).

Reads JSON on standard input: {"model": "<path of the .onnx voice>", "jobs": [[text, wav_path],
...]}. Loads the voice once, then writes each WAV under a temporary name and renames it when it
is complete, so a run that is stopped keeps the pieces it finished and leaves no partial file
under a final name. Runs in its own process so that onnxruntime and the model (about 370 MB
resident) never stay in the worker, and so that it can run at low priority with a time limit.
"""

from __future__ import annotations

import json
import os
import sys
import wave


def main() -> int:
    request = json.load(sys.stdin)
    from piper import PiperVoice

    voice = PiperVoice.load(request["model"])
    for text, path in request["jobs"]:
        partial = f"{path}.{os.getpid()}.part"
        try:
            with wave.open(partial, "wb") as output:
                output.setframerate(voice.config.sample_rate)
                output.setsampwidth(2)
                output.setnchannels(1)
                voice.synthesize_wav(text, output, set_wav_format=False)
            os.replace(partial, path)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    return 0


if __name__ == "__main__":
    sys.exit(main())
