//! The sixteen voivodeships, identified by their official TERYT codes. Built in: regions do not
//! change, and every other record refers to them by code.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, FieldPath};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// Two-digit TERYT code, e.g. "12" for małopolskie.
    pub code: &'static str,
    /// Official Polish name, lower case as TERYT writes it.
    pub name: &'static str,
}

pub const REGIONS: [Region; 16] = [
    Region {
        code: "02",
        name: "dolnośląskie",
    },
    Region {
        code: "04",
        name: "kujawsko-pomorskie",
    },
    Region {
        code: "06",
        name: "lubelskie",
    },
    Region {
        code: "08",
        name: "lubuskie",
    },
    Region {
        code: "10",
        name: "łódzkie",
    },
    Region {
        code: "12",
        name: "małopolskie",
    },
    Region {
        code: "14",
        name: "mazowieckie",
    },
    Region {
        code: "16",
        name: "opolskie",
    },
    Region {
        code: "18",
        name: "podkarpackie",
    },
    Region {
        code: "20",
        name: "podlaskie",
    },
    Region {
        code: "22",
        name: "pomorskie",
    },
    Region {
        code: "24",
        name: "śląskie",
    },
    Region {
        code: "26",
        name: "świętokrzyskie",
    },
    Region {
        code: "28",
        name: "warmińsko-mazurskie",
    },
    Region {
        code: "30",
        name: "wielkopolskie",
    },
    Region {
        code: "32",
        name: "zachodniopomorskie",
    },
];

/// A TERYT code known to be one of the sixteen regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RegionCode(&'static str);

impl Serialize for RegionCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for RegionCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Self::parse(&code, FieldPath::root("region"))
            .map_err(|e| serde::de::Error::custom(e.message))
    }
}

impl RegionCode {
    pub fn parse(code: &str, field: FieldPath) -> Result<Self, DomainError> {
        REGIONS
            .iter()
            .find(|r| r.code == code.trim())
            .map(|r| Self(r.code))
            .ok_or_else(|| {
                DomainError::invalid(
                    field,
                    format!("{code:?} is not a voivodeship TERYT code (02, 04, … 32)"),
                )
            })
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    pub fn region(&self) -> Region {
        // Constructed only from REGIONS, so the lookup always succeeds.
        REGIONS
            .iter()
            .copied()
            .find(|r| r.code == self.0)
            .unwrap_or(REGIONS[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_regions_are_known_by_their_codes() {
        let f = || FieldPath::root("region");
        assert_eq!(
            RegionCode::parse("12", f()).unwrap().region().name,
            "małopolskie"
        );
        assert_eq!(
            RegionCode::parse("08", f()).unwrap().region().name,
            "lubuskie"
        );
        assert_eq!(
            RegionCode::parse("24", f()).unwrap().region().name,
            "śląskie"
        );
        assert_eq!(
            RegionCode::parse("14", f()).unwrap().region().name,
            "mazowieckie"
        );
    }

    #[test]
    fn unknown_codes_are_refused() {
        for code in ["00", "13", "34", "1", "", "12; drop"] {
            assert!(
                RegionCode::parse(code, FieldPath::root("region")).is_err(),
                "{code}"
            );
        }
    }
}
