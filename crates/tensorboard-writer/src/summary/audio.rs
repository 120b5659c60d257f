//! Audio (the Audio tab): mono samples in [-1, 1] as a 16-bit PCM WAV, as PyTorch's
//! `summary.audio` writes it (`(x.clip(-1, 1) * 32767).astype('<i2')` through Python's `wave`).
use crate::error::{Error, Result};
use crate::proto::{value, Audio, Value};

/// PyTorch's default sample rate.
pub const DEFAULT_SAMPLE_RATE: u32 = 44_100;

/// A mono 16-bit PCM WAV of `samples` (clipped to [-1, 1], scaled by 32767 and truncated toward
/// zero, as PyTorch does).
pub fn wav(samples: &[f32], sample_rate: u32) -> Vec<u8> {
    let data_len = (2 * samples.len()) as u32;
    let mut out = Vec::with_capacity(44 + 2 * samples.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // channels
    out.extend_from_slice(&sample_rate.to_le_bytes());
    out.extend_from_slice(&(2 * sample_rate).to_le_bytes()); // bytes per second
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for &s in samples {
        out.extend_from_slice(&((s.clamp(-1.0, 1.0) * i16::MAX as f32) as i16).to_le_bytes());
    }
    out
}

/// PyTorch's `summary.audio(tag, samples, sample_rate)`: one mono clip, samples in [-1, 1] (louder
/// ones are clipped, as PyTorch does after a warning). Empty, NaN, an infinite sample or a zero
/// sample rate is an error, as is a clip over the 4 GiB a WAV can hold.
pub fn audio(tag: &str, samples: &[f32], sample_rate: u32) -> Result<Value> {
    if samples.is_empty() || sample_rate == 0 {
        return Err(Error::invalid(format!(
            "audio {tag}: {} samples at {sample_rate} Hz (need samples and a rate)",
            samples.len()
        )));
    }
    if let Some(i) = samples.iter().position(|s| !s.is_finite()) {
        return Err(Error::invalid(format!("audio {tag}: sample {i} is {}", samples[i])));
    }
    if samples.len() > (u32::MAX as usize - 36) / 2 || sample_rate > u32::MAX / 2 {
        return Err(Error::invalid(format!("audio {tag}: too long for a WAV")));
    }
    let audio = Audio {
        sample_rate: sample_rate as f32,
        num_channels: 1,
        length_frames: samples.len() as i64,
        encoded_audio_string: wav(samples, sample_rate),
        content_type: "audio/wav".into(),
    };
    Ok(Value { tag: tag.into(), metadata: None, kind: Some(value::Kind::Audio(audio)) })
}
