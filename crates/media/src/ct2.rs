//! Reading a CTranslate2 `model.bin`: version, spec name, variables (name, shape, dtype,
//! raw little-endian data) and aliases. Every length is checked, so a truncated or damaged
//! file gives an error, never a panic.

use crate::ModelError;

/// Element types CTranslate2 stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    /// 32-bit float.
    F32,
    /// 8-bit integer.
    I8,
    /// 16-bit integer.
    I16,
    /// 32-bit integer.
    I32,
    /// 16-bit float.
    F16,
    /// bfloat16.
    Bf16,
}

impl DType {
    fn from_code(code: u8) -> Result<Self, ModelError> {
        Ok(match code {
            0 => Self::F32,
            1 => Self::I8,
            2 => Self::I16,
            3 => Self::I32,
            4 => Self::F16,
            5 => Self::Bf16,
            other => {
                return Err(ModelError::Malformed(format!(
                    "unknown data type code {other}"
                )))
            }
        })
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Self::I8 => 1,
            Self::I16 | Self::F16 | Self::Bf16 => 2,
            Self::F32 | Self::I32 => 4,
        }
    }
}

/// One stored tensor or scalar.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// e.g. `encoder/conv1/weight`.
    pub name: String,
    /// Dimensions (empty for scalars).
    pub shape: Vec<usize>,
    /// Element type.
    pub dtype: DType,
    /// Raw little-endian bytes.
    pub data: Vec<u8>,
}

impl Variable {
    /// The value of an integer scalar.
    pub fn scalar_int(&self) -> Option<i64> {
        match (self.dtype, self.data.as_slice()) {
            (DType::I8, [a]) => Some(i64::from(*a as i8)),
            (DType::I16, [a, b]) => Some(i64::from(i16::from_le_bytes([*a, *b]))),
            (DType::I32, [a, b, c, d]) => Some(i64::from(i32::from_le_bytes([*a, *b, *c, *d]))),
            _ => None,
        }
    }

    /// The elements as f32 (from f32 or f16 storage).
    pub fn to_f32(&self) -> Result<Vec<f32>, ModelError> {
        match self.dtype {
            DType::F32 => Ok(self
                .data
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()),
            DType::F16 => Ok(self
                .data
                .chunks_exact(2)
                .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect()),
            other => Err(ModelError::Malformed(format!(
                "{} is {other:?}, expected a float tensor",
                self.name
            ))),
        }
    }
}

/// A parsed `model.bin`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ct2Model {
    /// Format version (6 for current files).
    pub version: u32,
    /// e.g. `WhisperSpec`.
    pub spec: String,
    /// Variables in file order.
    pub variables: Vec<Variable>,
    /// (alias, target) pairs.
    pub aliases: Vec<(String, String)>,
}

impl Ct2Model {
    /// A variable by name.
    pub fn get(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.name == name)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], ModelError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| {
                ModelError::Truncated(format!(
                    "{what} needs {n} bytes at offset {}, the file has {}",
                    self.at,
                    self.bytes.len()
                ))
            })?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u8(&mut self, what: &str) -> Result<u8, ModelError> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, ModelError> {
        let b = self.take(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &str) -> Result<u32, ModelError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self, what: &str) -> Result<String, ModelError> {
        let len = usize::from(self.u16(what)?);
        let bytes = self.take(len, what)?;
        let text = bytes.strip_suffix(&[0]).unwrap_or(bytes);
        String::from_utf8(text.to_vec())
            .map_err(|_| ModelError::Malformed(format!("{what} is not UTF-8")))
    }
}

/// Largest variable accepted (a bound against absurd sizes in damaged files).
const MAX_VARIABLE_BYTES: usize = 4 * 1024 * 1024 * 1024;

/// Parses a `model.bin`.
pub fn parse(bytes: &[u8]) -> Result<Ct2Model, ModelError> {
    let mut r = Reader { bytes, at: 0 };
    let version = r.u32("version")?;
    if !(5..=6).contains(&version) {
        return Err(ModelError::Malformed(format!(
            "unsupported CTranslate2 model version {version} (expected 5 or 6)"
        )));
    }
    let spec = r.string("spec name")?;
    let _revision = r.u32("spec revision")?;
    let count = r.u32("variable count")?;
    if count > 100_000 {
        return Err(ModelError::Malformed(format!(
            "implausible variable count {count}"
        )));
    }
    let mut variables = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let name = r.string("variable name")?;
        let rank = r.u8("rank")?;
        let mut shape = Vec::with_capacity(usize::from(rank));
        for _ in 0..rank {
            shape.push(r.u32("dimension")? as usize);
        }
        let dtype = DType::from_code(r.u8("data type")?)?;
        let size = r.u32("byte count")? as usize;
        let elements = shape.iter().try_fold(1usize, |acc, d| acc.checked_mul(*d));
        let expected = elements.and_then(|n| n.checked_mul(dtype.size()));
        if expected != Some(size) || size > MAX_VARIABLE_BYTES {
            return Err(ModelError::Malformed(format!(
                "{name}: {size} bytes do not match shape {shape:?} of {dtype:?}"
            )));
        }
        let data = r.take(size, &name)?.to_vec();
        variables.push(Variable {
            name,
            shape,
            dtype,
            data,
        });
    }
    let mut aliases = Vec::new();
    if r.at < bytes.len() {
        let n = r.u32("alias count")?;
        for _ in 0..n.min(100_000) {
            aliases.push((r.string("alias")?, r.string("alias target")?));
        }
    }
    Ok(Ct2Model {
        version,
        spec,
        variables,
        aliases,
    })
}
