"""Writes the weights of Silero VAD 6.2.3 (16 kHz) as a safetensors file for the app.

Usage: python extract_weights.py SILERO_VAD_WHEEL OUT.safetensors

The weights are the initializers of `silero_vad/data/silero_vad_16k_op15.onnx` in PyPI's
`silero-vad` 6.2.3 wheel (the same network as the package's main `silero_vad.onnx` at 16 kHz;
the wheel's own `silero_vad_16k.safetensors` holds different, older weights). They are
renamed to the layers of the package's `tinygrad_model.py`, whose forward pass
`crates/media/src/silero.rs` follows. Needs `onnx` and `numpy`. The app's test
`crates/media/tests/silero.rs` holds the result to the official ONNX model on onnxruntime.
"""
import json
import sys
import zipfile

import numpy as np
import onnx
from onnx import numpy_helper

NAMES = {
    "model.stft.forward_basis_buffer": "stft_conv.weight",
    **{f"model.encoder.{i}.reparam_conv.{p}": f"conv{i + 1}.{p}" for i in range(4) for p in ("weight", "bias")},
    **{f"model.decoder.rnn.{p}": f"lstm_cell.{p}" for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")},
    "model.decoder.decoder.2.weight": "final_conv.weight",
    "model.decoder.decoder.2.bias": "final_conv.bias",
}


def main() -> None:
    wheel, out = sys.argv[1], sys.argv[2]
    model = onnx.load_from_string(zipfile.ZipFile(wheel).read("silero_vad/data/silero_vad_16k_op15.onnx"))
    arrays = {NAMES[i.name]: numpy_helper.to_array(i).astype("<f4") for i in model.graph.initializer if i.name in NAMES}
    missing = set(NAMES.values()) - set(arrays)
    if missing:
        raise SystemExit(f"not in the model: {sorted(missing)}")
    header, blobs, offset = {"__metadata__": {"source": "silero-vad 6.2.3, silero_vad_16k_op15.onnx"}}, [], 0
    for name in sorted(arrays):
        data = arrays[name].tobytes()
        header[name] = {"dtype": "F32", "shape": list(arrays[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(out, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + b"".join(blobs))


if __name__ == "__main__":
    main()
