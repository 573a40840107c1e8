"""Export the bundled sentence-transformers model to ONNX, once, from the weights on disk.

Run by `scripts/setup.sh` (`python -m bot.core.onnx_export`). At run time prepbot encodes with
onnxruntime + tokenizers only (bot/core/embeddings.py), because importing torch and
sentence-transformers costs seconds and hundreds of MB in every process that embeds anything.
The export needs torch and transformers (installed with sentence-transformers) and the `onnx`
package (the `export` extra); nothing is downloaded.

The graph is the transformer alone (token ids and attention mask in, token vectors out); mean
pooling and normalisation stay in numpy (`embeddings.OnnxEncoder`), where they can be read next
to the model's own pooling config.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import warnings
from pathlib import Path

log = logging.getLogger(__name__)
OPSET = 17
FORMAT = 1  # bump when the graph's inputs or outputs change, so setup re-exports


def fingerprint(model_path: str | Path) -> dict[str, object]:
    """What the export was made from: a changed model folder (or a new graph format) re-exports."""
    folder = Path(model_path).resolve()
    files = sorted(p for p in folder.glob("*") if p.suffix in (".safetensors", ".bin", ".json"))
    stats = [(p.name, p.stat().st_size, int(p.stat().st_mtime)) for p in files]
    return {"model": str(folder), "files": stats, "format": FORMAT, "opset": OPSET}


def onnx_path(model_path: str | Path) -> Path:
    """Where the export of `model_path` lives: inside this environment (`<venv>/share/prepbot/`),
    one file per model folder, so a custom PREPBOT_EMBEDDING_MODEL gets its own export."""
    folder = Path(model_path).resolve()
    tag = hashlib.sha256(str(folder).encode()).hexdigest()[:10]
    return Path(sys.prefix) / "share" / "prepbot" / f"{folder.name}-{tag}.onnx"


def is_current(model_path: str | Path) -> bool:
    """Whether an export of this exact model folder is in place."""
    target = onnx_path(model_path)
    meta = target.with_suffix(".json")
    if not target.is_file() or not meta.is_file():
        return False
    try:
        return json.loads(meta.read_text()) == json.loads(json.dumps(fingerprint(model_path)))
    except (OSError, ValueError):
        return False


def export(model_path: str | Path) -> Path:
    """Export the transformer of `model_path` to `onnx_path(model_path)`; returns that path.

    Written to a temporary file and renamed into place, so a concurrent reader (another shard
    starting) sees either no file or a whole one."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    target = onnx_path(model_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Eager attention: the traced graph is then plain matmuls and softmax over the mask, with no
    # shortcut a fused kernel might take for an all-ones mask at trace time.
    model = AutoModel.from_pretrained(str(model_path), local_files_only=True, attn_implementation="eager").eval()

    class Transformer(torch.nn.Module):
        """Token ids and mask in, last hidden state out (what sentence-transformers' pooling reads)."""

        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            token_type_ids = torch.zeros_like(input_ids)  # one segment, as the tokenizer gives for one text
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    ids = torch.full((2, 8), 1000, dtype=torch.long)
    mask = torch.ones(2, 8, dtype=torch.long)
    mask[1, 5:] = 0  # a padded row, so the trace keeps the attention mask as a real input
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(handle)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes are for torch developers
            torch.onnx.export(
                Transformer(), (ids, mask), temporary, dynamo=False, opset_version=OPSET,
                input_names=["input_ids", "attention_mask"], output_names=["token_embeddings"],
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                              "token_embeddings": {0: "batch", 1: "tokens"}},
            )
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    target.with_suffix(".json").write_text(json.dumps(fingerprint(model_path)))
    log.info("exported %s to %s", model_path, target)
    return target


def main() -> int:
    """`python -m bot.core.onnx_export [MODEL_FOLDER]`: export unless an up-to-date export exists."""
    if len(sys.argv) > 1:
        model_path = sys.argv[1]
    else:
        from bot.config import Settings

        model_path = Settings().model_path
    if is_current(model_path):
        return 0  # setup.sh runs this every time: quiet when there is nothing to do
    print(f"exporting the embedding model to ONNX (once): {onnx_path(model_path)}", flush=True)
    export(model_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
