//! Converting a CTranslate2 Whisper model to whisper.cpp's ggml format (f16): hyper-
//! parameters from the tensors, a computed mel filterbank, the GPT-2 byte-level vocabulary,
//! and every tensor renamed, split (fused q|k|v and k|v) and typed as whisper.cpp expects.

use std::collections::BTreeMap;
use std::io::Write;

use crate::ct2::{Ct2Model, Variable};
use crate::{mel, ModelError};

const MAGIC: u32 = 0x6767_6d6c;

/// The numbers whisper.cpp reads from the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HParams {
    /// Vocabulary size.
    pub n_vocab: i32,
    /// Audio context (frames after the convolutions).
    pub n_audio_ctx: i32,
    /// Encoder width.
    pub n_audio_state: i32,
    /// Encoder heads.
    pub n_audio_head: i32,
    /// Encoder layers.
    pub n_audio_layer: i32,
    /// Text context.
    pub n_text_ctx: i32,
    /// Decoder width.
    pub n_text_state: i32,
    /// Decoder heads.
    pub n_text_head: i32,
    /// Decoder layers.
    pub n_text_layer: i32,
    /// Mel bins.
    pub n_mels: i32,
}

fn dim(model: &Ct2Model, name: &str, index: usize) -> Result<i32, ModelError> {
    let variable = model
        .get(name)
        .ok_or_else(|| ModelError::Malformed(format!("missing tensor {name}")))?;
    let value = variable
        .shape
        .get(index)
        .ok_or_else(|| ModelError::Malformed(format!("{name} has no dimension {index}")))?;
    i32::try_from(*value).map_err(|_| ModelError::Malformed(format!("{name} dimension too large")))
}

fn count_layers(model: &Ct2Model, prefix: &str) -> i32 {
    (0..)
        .take_while(|i| {
            model
                .variables
                .iter()
                .any(|v| v.name.starts_with(&format!("{prefix}/layer_{i}/")))
        })
        .count() as i32
}

fn heads(model: &Ct2Model, name: &str) -> Result<i32, ModelError> {
    model
        .get(name)
        .and_then(Variable::scalar_int)
        .and_then(|v| i32::try_from(v).ok())
        .filter(|v| *v > 0)
        .ok_or_else(|| ModelError::Malformed(format!("missing or invalid {name}")))
}

/// Reads the hyper-parameters off the tensors.
pub fn hparams(model: &Ct2Model) -> Result<HParams, ModelError> {
    if model.spec != "WhisperSpec" {
        return Err(ModelError::Malformed(format!(
            "this is a {} model, not Whisper",
            model.spec
        )));
    }
    Ok(HParams {
        n_vocab: dim(model, "decoder/embeddings/weight", 0)?,
        n_audio_ctx: dim(model, "encoder/position_encodings/encodings", 0)?,
        n_audio_state: dim(model, "encoder/conv1/weight", 0)?,
        n_audio_head: heads(model, "encoder/num_heads")?,
        n_audio_layer: count_layers(model, "encoder"),
        n_text_ctx: dim(model, "decoder/position_encodings/encodings", 0)?,
        n_text_state: dim(model, "decoder/embeddings/weight", 1)?,
        n_text_head: heads(model, "decoder/num_heads")?,
        n_text_layer: count_layers(model, "decoder"),
        n_mels: dim(model, "encoder/conv1/weight", 1)?,
    })
}

/// GPT-2's byte ↔ printable-character table, inverted: character → byte.
fn unicode_to_byte() -> BTreeMap<char, u8> {
    let mut bytes: Vec<u32> = (u32::from(b'!')..=u32::from(b'~'))
        .chain(0xA1..=0xAC)
        .chain(0xAE..=0xFF)
        .collect();
    let mut chars = bytes.clone();
    let mut n = 0;
    for b in 0..256u32 {
        if !bytes.contains(&b) {
            bytes.push(b);
            chars.push(256 + n);
            n += 1;
        }
    }
    bytes
        .into_iter()
        .zip(chars)
        .filter_map(|(b, c)| Some((char::from_u32(c)?, u8::try_from(b).ok()?)))
        .collect()
}

/// The vocabulary tokens before `<|endoftext|>`, as raw bytes.
pub fn vocabulary(text: &str) -> Result<Vec<Vec<u8>>, ModelError> {
    let table = unicode_to_byte();
    let mut tokens = Vec::new();
    for line in text.lines() {
        if line == "<|endoftext|>" {
            return Ok(tokens);
        }
        let bytes: Option<Vec<u8>> = line.chars().map(|c| table.get(&c).copied()).collect();
        tokens.push(bytes.ok_or_else(|| {
            ModelError::Malformed(format!("vocabulary token {line:?} is not byte-level BPE"))
        })?);
    }
    Err(ModelError::Malformed(
        "vocabulary.txt has no <|endoftext|> token".into(),
    ))
}

/// One output tensor.
struct Tensor {
    name: String,
    shape: Vec<usize>,
    f16: bool,
    values: Vec<f32>,
}

fn tensor(name: String, shape: Vec<usize>, values: Vec<f32>, force_f32: bool) -> Tensor {
    let f16 = shape.len() >= 2 && !force_f32;
    Tensor {
        name,
        shape,
        f16,
        values,
    }
}

/// Maps a CTranslate2 layer path to whisper.cpp's block name part.
fn block_part(part: &str) -> Option<&'static str> {
    Some(match part {
        "self_attention/layer_norm" => "attn_ln",
        "self_attention/linear_1" => "attn.out",
        "attention/layer_norm" => "cross_attn_ln",
        "attention/linear_0" => "cross_attn.query",
        "attention/linear_2" => "cross_attn.out",
        "ffn/layer_norm" => "mlp_ln",
        "ffn/linear_0" => "mlp.0",
        "ffn/linear_1" => "mlp.2",
        _ => return None,
    })
}

fn suffix(leaf: &str) -> &str {
    match leaf {
        "gamma" => "weight",
        "beta" => "bias",
        other => other,
    }
}

/// A shape and its values.
type Block = (Vec<usize>, Vec<f32>);

/// Splits a fused tensor into `parts` equal row blocks.
fn split_rows(values: &[f32], shape: &[usize], parts: usize) -> Result<Vec<Block>, ModelError> {
    let rows = *shape
        .first()
        .ok_or_else(|| ModelError::Malformed("empty fused tensor".into()))?;
    if rows % parts != 0 {
        return Err(ModelError::Malformed(format!(
            "fused tensor with {rows} rows cannot be split in {parts}"
        )));
    }
    let per = values.len() / parts;
    let mut out_shape = shape.to_vec();
    out_shape[0] = rows / parts;
    Ok((0..parts)
        .map(|i| (out_shape.clone(), values[i * per..(i + 1) * per].to_vec()))
        .collect())
}

fn convert_tensors(model: &Ct2Model) -> Result<Vec<Tensor>, ModelError> {
    let mut out = Vec::new();
    for variable in &model.variables {
        if variable.shape.is_empty() {
            continue; // scalars: heads, activation, alignment settings
        }
        let name = variable.name.as_str();
        let values = variable.to_f32()?;
        let shape = variable.shape.clone();
        let (path, leaf) = name
            .rsplit_once('/')
            .ok_or_else(|| ModelError::Malformed(format!("unexpected tensor {name}")))?;
        let leaf = suffix(leaf);
        match path {
            "encoder/conv1" | "encoder/conv2" => {
                let base = path.replace('/', ".");
                if leaf == "bias" {
                    out.push(tensor(
                        format!("{base}.bias"),
                        vec![shape[0], 1],
                        values,
                        true,
                    ));
                } else {
                    out.push(tensor(format!("{base}.weight"), shape, values, false));
                }
            }
            "encoder/position_encodings" => out.push(tensor(
                "encoder.positional_embedding".into(),
                shape,
                values,
                true,
            )),
            "decoder/position_encodings" => out.push(tensor(
                "decoder.positional_embedding".into(),
                shape,
                values,
                true,
            )),
            "encoder/layer_norm" => out.push(tensor(
                format!("encoder.ln_post.{leaf}"),
                shape,
                values,
                false,
            )),
            "decoder/layer_norm" => {
                out.push(tensor(format!("decoder.ln.{leaf}"), shape, values, false))
            }
            "decoder/embeddings" => out.push(tensor(
                "decoder.token_embedding.weight".into(),
                shape,
                values,
                false,
            )),
            _ => {
                let mut parts = path.splitn(3, '/');
                let (Some(side), Some(layer), Some(rest)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(ModelError::Malformed(format!("unexpected tensor {name}")));
                };
                let index = layer
                    .strip_prefix("layer_")
                    .and_then(|i| i.parse::<usize>().ok())
                    .ok_or_else(|| ModelError::Malformed(format!("unexpected tensor {name}")))?;
                let prefix = format!("{side}.blocks.{index}");
                match rest {
                    "self_attention/linear_0" => {
                        for ((s, v), part) in split_rows(&values, &shape, 3)?
                            .into_iter()
                            .zip(["query", "key", "value"])
                        {
                            if part == "key" && leaf == "bias" {
                                continue; // zero, and whisper.cpp has no key bias
                            }
                            out.push(tensor(format!("{prefix}.attn.{part}.{leaf}"), s, v, false));
                        }
                    }
                    "attention/linear_1" => {
                        for ((s, v), part) in split_rows(&values, &shape, 2)?
                            .into_iter()
                            .zip(["key", "value"])
                        {
                            if part == "key" && leaf == "bias" {
                                continue;
                            }
                            out.push(tensor(
                                format!("{prefix}.cross_attn.{part}.{leaf}"),
                                s,
                                v,
                                false,
                            ));
                        }
                    }
                    other => {
                        let mapped = block_part(other).ok_or_else(|| {
                            ModelError::Malformed(format!("unexpected tensor {name}"))
                        })?;
                        out.push(tensor(
                            format!("{prefix}.{mapped}.{leaf}"),
                            shape,
                            values,
                            false,
                        ));
                    }
                }
            }
        }
    }
    Ok(out)
}

fn put_i32(out: &mut Vec<u8>, v: i32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// How a converted model stores its matrix weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightType {
    /// Half precision (whisper.cpp ftype 1).
    F16,
    /// 8-bit blocks of 32 with an f16 scale (whisper.cpp ftype 7, quantisation version 2);
    /// about half the size and faster on CPUs, with the same transcripts on our clips.
    Q8_0,
}

impl WeightType {
    fn ftype(self) -> i32 {
        match self {
            Self::F16 => 1,
            Self::Q8_0 => 2007,
        }
    }
}

/// ggml tensor type ids.
const GGML_F32: i32 = 0;
const GGML_F16: i32 = 1;
const GGML_Q8_0: i32 = 8;
/// Values per q8_0 block.
const Q8_BLOCK: usize = 32;

/// Appends `row` as q8_0 blocks (ggml's reference quantisation: scale = max |x| / 127).
fn put_q8_0(out: &mut Vec<u8>, row: &[f32]) {
    for block in row.chunks(Q8_BLOCK) {
        let amax = block.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let d = amax / 127.0;
        let inverse = if d == 0.0 { 0.0 } else { 1.0 / d };
        out.extend_from_slice(&half::f16::from_f32(d).to_le_bytes());
        for v in block {
            out.push((v * inverse).round().clamp(-128.0, 127.0) as i8 as u8);
        }
    }
}

/// Converts to a ggml f16 model in memory. Returns the bytes and the number of tensors.
pub fn convert(model: &Ct2Model, vocabulary_txt: &str) -> Result<(Vec<u8>, usize), ModelError> {
    convert_with(model, vocabulary_txt, WeightType::F16)
}

/// Converts to a ggml model with the given weight type. Returns the bytes and the number of
/// tensors. Convolution weights stay f16 and vectors f32, as whisper.cpp expects.
pub fn convert_with(
    model: &Ct2Model,
    vocabulary_txt: &str,
    weights: WeightType,
) -> Result<(Vec<u8>, usize), ModelError> {
    let h = hparams(model)?;
    let vocab = vocabulary(vocabulary_txt)?;
    let tensors = convert_tensors(model)?;
    let mut out =
        Vec::with_capacity(model.variables.iter().map(|v| v.data.len()).sum::<usize>() + 4096);
    out.extend_from_slice(&MAGIC.to_le_bytes());
    for v in [
        h.n_vocab,
        h.n_audio_ctx,
        h.n_audio_state,
        h.n_audio_head,
        h.n_audio_layer,
        h.n_text_ctx,
        h.n_text_state,
        h.n_text_head,
        h.n_text_layer,
        h.n_mels,
        weights.ftype(),
    ] {
        put_i32(&mut out, v);
    }
    let n_mels =
        usize::try_from(h.n_mels).map_err(|_| ModelError::Malformed("negative n_mels".into()))?;
    put_i32(&mut out, h.n_mels);
    put_i32(&mut out, mel::N_FFT_BINS as i32);
    for w in mel::filters(n_mels) {
        out.extend_from_slice(&w.to_le_bytes());
    }
    put_i32(&mut out, vocab.len() as i32);
    for token in &vocab {
        out.extend_from_slice(&(token.len() as u32).to_le_bytes());
        out.extend_from_slice(token);
    }
    for t in &tensors {
        let row = t.shape.last().copied().unwrap_or(0);
        let quantised = weights == WeightType::Q8_0
            && t.f16
            && t.shape.len() == 2
            && row > 0
            && row % Q8_BLOCK == 0;
        let kind = match (quantised, t.f16) {
            (true, _) => GGML_Q8_0,
            (false, true) => GGML_F16,
            (false, false) => GGML_F32,
        };
        put_i32(&mut out, t.shape.len() as i32);
        put_i32(&mut out, t.name.len() as i32);
        put_i32(&mut out, kind);
        for d in t.shape.iter().rev() {
            put_i32(&mut out, *d as i32);
        }
        out.write_all(t.name.as_bytes())
            .map_err(|e| ModelError::Io(e.to_string()))?;
        if quantised {
            for chunk in t.values.chunks(row) {
                put_q8_0(&mut out, chunk);
            }
        } else if t.f16 {
            for v in &t.values {
                out.extend_from_slice(&half::f16::from_f32(*v).to_le_bytes());
            }
        } else {
            for v in &t.values {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
    Ok((out, tensors.len()))
}
