//! Voice activity with Silero VAD 6.2.3 (16 kHz), weights built in.
//!
//! Silero is the detector the voice-activity benchmark picked: it heard all the speech at
//! 10 dB and 5 dB SNR and called none of the noise alone speech, where `earshot` took 29 % of
//! the noise for speech and needed a noise-floor gate that then lost a fifth of the quiet
//! speech (docs/benchmarks.md, "Voice activity").
//!
//! The network is small — a short-time Fourier transform done as a convolution, four
//! convolutions, one LSTM cell and a sigmoid, about 0.7 M multiply-adds per 32 ms window — so
//! its forward pass is written out here (after the reference in the package's
//! `tinygrad_model.py`) rather than run through an ONNX runtime: `ort` needs a native
//! onnxruntime the app would have to ship, and of the pure-Rust ONNX crates candle and burn do
//! not run Silero's `If` nodes and tract handles them only in part (their issue trackers). The weights are those of the package's 16 kHz ONNX model
//! (`scripts/silero/extract_weights.py`), checked and unpacked by `build.rs`; a test holds
//! this code to the official ONNX model on onnxruntime, window by window.

use std::ops::Range;
use std::sync::LazyLock;

include!(concat!(env!("OUT_DIR"), "/silero_layout.rs"));

/// Samples per window at 16 kHz (32 ms).
pub const WINDOW: usize = 512;
/// Samples of the previous window the model sees before each window.
const CONTEXT: usize = 64;
/// Width of the recurrent state.
const HIDDEN: usize = 128;
/// STFT size and hop of the model's front end.
const N_FFT: usize = 256;
const HOP: usize = 128;
/// Frequency bins (N_FFT / 2 + 1).
const BINS: usize = N_FFT / 2 + 1;

/// The unpacked weights (raw little-endian f32, laid out by build.rs).
static WEIGHTS: LazyLock<Vec<f32>> = LazyLock::new(|| {
    include_bytes!(concat!(env!("OUT_DIR"), "/silero_vad_16k.f32"))
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
});

fn weights(range: Range<usize>) -> &'static [f32] {
    &WEIGHTS[range]
}

/// Silero VAD over a stream: one speech probability per [`WINDOW`] samples, with the
/// recurrent state and the context carried from window to window as the reference does.
#[derive(Clone)]
pub struct Silero {
    h: [f32; HIDDEN],
    c: [f32; HIDDEN],
    context: [f32; CONTEXT],
}

impl Default for Silero {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Silero {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Silero").finish_non_exhaustive()
    }
}

impl Silero {
    /// A detector at the start of a stream.
    pub fn new() -> Self {
        Self {
            h: [0.0; HIDDEN],
            c: [0.0; HIDDEN],
            context: [0.0; CONTEXT],
        }
    }

    /// The probability (0–1) that this window, following the ones before it, is speech.
    pub fn predict(&mut self, window: &[f32; WINDOW]) -> f32 {
        // The window after its context, padded on the right by reflection.
        let mut x = [0.0f32; CONTEXT + WINDOW + CONTEXT];
        x[..CONTEXT].copy_from_slice(&self.context);
        x[CONTEXT..CONTEXT + WINDOW].copy_from_slice(window);
        let n = CONTEXT + WINDOW;
        for k in 0..CONTEXT {
            x[n + k] = x[n - 2 - k];
        }
        self.context.copy_from_slice(&window[WINDOW - CONTEXT..]);

        // STFT as a convolution: 129 real and 129 imaginary filters, kept as magnitudes.
        let frames = (x.len() - N_FFT) / HOP + 1;
        let basis = weights(STFT_CONV_WEIGHT);
        let mut spectrum = vec![0.0f32; BINS * frames];
        for bin in 0..BINS {
            let re = &basis[bin * N_FFT..(bin + 1) * N_FFT];
            let im = &basis[(bin + BINS) * N_FFT..(bin + BINS + 1) * N_FFT];
            for t in 0..frames {
                let piece = &x[t * HOP..t * HOP + N_FFT];
                let (r, i) = piece
                    .iter()
                    .zip(re.iter().zip(im))
                    .fold((0.0f32, 0.0f32), |(r, i), (s, (a, b))| {
                        (r + s * a, i + s * b)
                    });
                spectrum[bin * frames + t] = (r * r + i * i).sqrt();
            }
        }

        let (x, len) = conv_relu(&spectrum, BINS, frames, CONV1_WEIGHT, CONV1_BIAS, 128, 1);
        let (x, len) = conv_relu(&x, 128, len, CONV2_WEIGHT, CONV2_BIAS, 64, 2);
        let (x, len) = conv_relu(&x, 64, len, CONV3_WEIGHT, CONV3_BIAS, 64, 2);
        let (x, len) = conv_relu(&x, 64, len, CONV4_WEIGHT, CONV4_BIAS, HIDDEN, 1);
        debug_assert_eq!(len, 1);

        self.lstm(&x);

        // ReLU, a 1×1 convolution to one value, sigmoid.
        let out = weights(FINAL_CONV_WEIGHT)
            .iter()
            .zip(&self.h)
            .map(|(w, h)| w * h.max(0.0))
            .sum::<f32>()
            + weights(FINAL_CONV_BIAS)[0];
        sigmoid(out)
    }

    /// One step of the LSTM cell (PyTorch's gate order: input, forget, cell, output).
    fn lstm(&mut self, x: &[f32]) {
        let (w_ih, w_hh) = (weights(LSTM_CELL_WEIGHT_IH), weights(LSTM_CELL_WEIGHT_HH));
        let (b_ih, b_hh) = (weights(LSTM_CELL_BIAS_IH), weights(LSTM_CELL_BIAS_HH));
        let mut gates = [0.0f32; 4 * HIDDEN];
        for (g, gate) in gates.iter_mut().enumerate() {
            let row = g * HIDDEN..(g + 1) * HIDDEN;
            *gate = b_ih[g] + b_hh[g] + dot(&w_ih[row.clone()], x) + dot(&w_hh[row], &self.h);
        }
        for k in 0..HIDDEN {
            let input = sigmoid(gates[k]);
            let forget = sigmoid(gates[HIDDEN + k]);
            let cell = gates[2 * HIDDEN + k].tanh();
            let output = sigmoid(gates[3 * HIDDEN + k]);
            self.c[k] = forget * self.c[k] + input * cell;
            self.h[k] = output * self.c[k].tanh();
        }
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// A 1-D convolution with kernel 3 and padding 1 (channels first), then ReLU; returns the
/// output and its length.
fn conv_relu(
    input: &[f32],
    in_channels: usize,
    len: usize,
    weight: Range<usize>,
    bias: Range<usize>,
    out_channels: usize,
    stride: usize,
) -> (Vec<f32>, usize) {
    const K: usize = 3;
    let (weight, bias) = (weights(weight), weights(bias));
    let out_len = (len + 2 - K) / stride + 1;
    let mut out = vec![0.0f32; out_channels * out_len];
    for o in 0..out_channels {
        for t in 0..out_len {
            let mut sum = bias[o];
            for i in 0..in_channels {
                let kernel = &weight[(o * in_channels + i) * K..(o * in_channels + i + 1) * K];
                for (k, w) in kernel.iter().enumerate() {
                    // Input position t*stride + k - 1 (padding of one on each side).
                    if let Some(p) = (t * stride + k).checked_sub(1).filter(|p| *p < len) {
                        sum += w * input[i * len + p];
                    }
                }
            }
            out[o * out_len + t] = sum.max(0.0);
        }
    }
    (out, out_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weights_are_all_there() {
        assert_eq!(WEIGHTS.len(), FINAL_CONV_BIAS.end);
        assert!(WEIGHTS.iter().all(|w| w.is_finite()));
    }

    #[test]
    fn silence_and_a_tone_are_not_speech() {
        let mut vad = Silero::new();
        for _ in 0..30 {
            assert!(vad.predict(&[0.0; WINDOW]) < 0.1);
        }
        let mut vad = Silero::new();
        let mut phase = 0usize;
        for _ in 0..30 {
            let tone: [f32; WINDOW] = std::array::from_fn(|i| {
                ((phase + i) as f32 * 2.0 * std::f32::consts::PI * 440.0 / 16_000.0).sin() * 0.3
            });
            phase += WINDOW;
            assert!(vad.predict(&tone) < 0.5);
        }
    }
}
