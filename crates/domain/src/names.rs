//! The stored (and wire) names of the domain's plain enums, written once per
//! enum: `ALL`, `as_str`, an exact `FromStr` and a `Display` that agree.

macro_rules! stored_names {
    ($enum:ident, $unknown:path, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $enum {
            pub const ALL: [$enum; [$($name),+].len()] = [$($enum::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($enum::$variant => $name),+
                }
            }
        }

        impl std::str::FromStr for $enum {
            type Err = crate::error::ValueError;

            /// Exact, case-sensitive match on the stored names.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $enum::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| $unknown(s.to_owned()))
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use stored_names;
