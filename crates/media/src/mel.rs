//! The Slaney-style mel filterbank whisper uses (librosa `filters.mel(sr=16000, n_fft=400,
//! n_mels, htk=False, norm="slaney")`), computed instead of downloaded.

const SAMPLE_RATE: f64 = 16_000.0;
/// FFT bins of a 400-sample window.
pub const N_FFT_BINS: usize = 201;

fn hz_to_mel(hz: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if hz >= min_log_hz {
        min_log_mel + (hz / min_log_hz).ln() / logstep
    } else {
        hz / f_sp
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if mel >= min_log_mel {
        min_log_hz * (logstep * (mel - min_log_mel)).exp()
    } else {
        f_sp * mel
    }
}

/// `n_mels × 201` weights, row-major.
pub fn filters(n_mels: usize) -> Vec<f32> {
    let fft_freqs: Vec<f64> = (0..N_FFT_BINS)
        .map(|i| i as f64 * (SAMPLE_RATE / 2.0) / (N_FFT_BINS - 1) as f64)
        .collect();
    let (low, high) = (hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2.0));
    let mel_f: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(low + (high - low) * i as f64 / (n_mels + 1) as f64))
        .collect();
    let mut weights = vec![0f32; n_mels * N_FFT_BINS];
    for m in 0..n_mels {
        let (left, centre, right) = (mel_f[m], mel_f[m + 1], mel_f[m + 2]);
        let norm = 2.0 / (right - left);
        for (k, f) in fft_freqs.iter().enumerate() {
            let lower = (f - left) / (centre - left);
            let upper = (right - f) / (right - centre);
            let w = lower.min(upper).max(0.0);
            weights[m * N_FFT_BINS + k] = (w * norm) as f32;
        }
    }
    weights
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_have_the_librosa_shape() {
        let f = filters(80);
        assert_eq!(f.len(), 80 * N_FFT_BINS);
        assert!(f.iter().all(|w| *w >= 0.0));
        // Every filter has some weight and the first one starts at the first bins.
        for m in 0..80 {
            assert!(
                f[m * N_FFT_BINS..(m + 1) * N_FFT_BINS]
                    .iter()
                    .any(|w| *w > 0.0),
                "filter {m}"
            );
        }
        // librosa's first slaney filter peaks at bin 1 with ~0.0246.
        assert!((f[1] - 0.024_6).abs() < 0.001, "{}", f[1]);
    }
}
