//! Enumerations that travel as strings — in the API, in the database, in the SPA — declared
//! once with their exact spelling, so every side reads and writes the same values and the
//! OpenAPI document can list them. An unknown string is `None`, never a silent default.

/// Declares a `Copy` enum whose variants are spelled as the given strings on the wire (serde)
/// and in the database (`as_str` / `parse`), with `ALL` in declaration order.
///
/// The spellings are taken as `tt`, not `literal`: a `literal` fragment reaches derive macros
/// wrapped in an invisible group, and utoipa then ignores `#[serde(rename)]` (the document
/// would list `HalfPeak` instead of `half_peak`).
#[macro_export]
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as it is spelled on the wire and in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text ),+
                }
            }

            /// The value spelled `s`, if there is one.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// For rows read from the database: an unknown value is an error, never a default.
        impl ::std::convert::TryFrom<String> for $name {
            type Error = $crate::wire::UnknownValue;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                $name::parse(&s).ok_or($crate::wire::UnknownValue {
                    kind: stringify!($name),
                    value: s,
                })
            }
        }
    };
}

/// A stored or received string that is none of an enumeration's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {kind}")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

#[cfg(test)]
mod tests {
    crate::wire_enum! {
        /// A test enum.
        pub enum Colour {
            Red = "red",
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn values_read_back_as_written_and_unknown_ones_are_refused() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(*c));
            let json = serde_json::to_string(c).expect("serialize");
            assert_eq!(json, format!("\"{c}\""));
            assert_eq!(serde_json::from_str::<Colour>(&json).expect("read"), *c);
        }
        assert_eq!(Colour::ALL, [Colour::Red, Colour::DarkBlue]);
        assert_eq!(Colour::DarkBlue.as_str(), "dark_blue");
        assert_eq!(Colour::parse("Red"), None);
        assert!(serde_json::from_str::<Colour>("\"purple\"").is_err());
        let e = Colour::try_from("purple".to_owned()).expect_err("unknown");
        assert_eq!(e.kind, "Colour");
    }
}
