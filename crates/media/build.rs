//! Unpacks Silero VAD's weights (`assets/silero_vad_6.2.3_16k.safetensors`: the initializers of
//! the 16 kHz ONNX model in PyPI's `silero-vad` 6.2.3 wheel, written out by
//! `scripts/silero/extract_weights.py`; MIT licence beside it) into raw little-endian `f32`s that
//! `src/silero.rs` includes, with a table of where each tensor starts. Every tensor's name,
//! type and shape is checked here, so a damaged or different file fails the build and the
//! detector can never meet malformed weights at run time.

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

use safetensors::{Dtype, SafeTensors};

/// The tensors of the 16 kHz model, in the order they are written, with their shapes.
const TENSORS: [(&str, &[usize]); 15] = [
    ("stft_conv.weight", &[258, 1, 256]),
    ("conv1.weight", &[128, 129, 3]),
    ("conv1.bias", &[128]),
    ("conv2.weight", &[64, 128, 3]),
    ("conv2.bias", &[64]),
    ("conv3.weight", &[64, 64, 3]),
    ("conv3.bias", &[64]),
    ("conv4.weight", &[128, 64, 3]),
    ("conv4.bias", &[128]),
    ("lstm_cell.weight_ih", &[512, 128]),
    ("lstm_cell.weight_hh", &[512, 128]),
    ("lstm_cell.bias_ih", &[512]),
    ("lstm_cell.bias_hh", &[512]),
    ("final_conv.weight", &[1, 128, 1]),
    ("final_conv.bias", &[1]),
];

fn main() -> Result<(), Box<dyn Error>> {
    let source = "assets/silero_vad_6.2.3_16k.safetensors";
    println!("cargo:rerun-if-changed={source}");
    let bytes = std::fs::read(source)?;
    let file = SafeTensors::deserialize(&bytes)?;
    let mut raw: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut layout = String::new();
    for (name, shape) in TENSORS {
        let tensor = file.tensor(name)?;
        if tensor.dtype() != Dtype::F32 || tensor.shape() != shape {
            return Err(format!(
                "{source}: {name} is {:?} {:?}, expected F32 {shape:?}",
                tensor.dtype(),
                tensor.shape()
            )
            .into());
        }
        let start = raw.len() / 4;
        raw.extend_from_slice(tensor.data());
        let constant = name.replace('.', "_").to_uppercase();
        writeln!(
            layout,
            "/// `{name}`, shape {shape:?}.\nconst {constant}: std::ops::Range<usize> = {start}..{};",
            raw.len() / 4
        )?;
    }
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("silero_vad_16k.f32"), raw)?;
    std::fs::write(out.join("silero_layout.rs"), layout)?;
    Ok(())
}
