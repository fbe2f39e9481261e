//! Extractors for request bodies and query strings whose errors name the offending field —
//! `values[0].value`, `limit` — and never repeat its value: a value in an error would land in
//! the response and in the log, and it may be a password.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use lk_api_types::FieldError;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body: it must be a JSON object (never an array whose items would fill the
/// fields by position), deserialized into `T`. Content type, size and syntax are checked by
/// actix's `JsonConfig` (415, 413, 400 — see [`crate::error::json_error`]); a body of the wrong
/// shape is a 422 `invalid_body` listing each offending field by its path.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = value.await?.into_inner();
            if !value.is_object() {
                return Err(ApiError::InvalidBody(vec![FieldError {
                    field: String::new(),
                    code: "object_expected".into(),
                    message: "Тело запроса должно быть JSON-объектом.".into(),
                }])
                .into());
            }
            item(value).map(Json).map_err(|field| {
                // A value outside an enumeration is a well-formed body with a value the rules
                // refuse, like any other invalid field.
                if field.code == "unknown_value" {
                    ApiError::Validation(vec![field]).into()
                } else {
                    ApiError::InvalidBody(vec![field]).into()
                }
            })
        })
    }
}

/// A JSON object read into `T` (a request body, or one item of a batch read on its own, so a
/// malformed item is that item's error with its field named relative to the item).
pub fn item<T: DeserializeOwned>(mut value: serde_json::Value) -> Result<T, FieldError> {
    if !value.is_object() {
        return Err(FieldError {
            field: String::new(),
            code: "object_expected".into(),
            message: "Ожидается объект.".into(),
        });
    }
    integral_floats_to_integers(&mut value);
    serde_path_to_error::deserialize(objects_only::Strict(value)).map_err(|e| field_error(&e))
}

/// JSON has one number type (RFC 8259 §6) and JSON Schema counts `5.0` as an integer; serde
/// does not. Whole floats become integers, so `5.0` is read wherever `5` is.
fn integral_floats_to_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64() {
                // 2^63 as f64: the first value past i64::MAX.
                if f.fract() == 0.0 && f >= i64::MIN as f64 && f < 9_223_372_036_854_775_808.0 {
                    *value = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_to_integers),
        _ => {}
    }
}

/// A query string deserialized into `T`; a parameter of the wrong type is a 400
/// `invalid_query` naming the parameter.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(
            req.query_string().as_bytes(),
        ));
        std::future::ready(
            serde_path_to_error::deserialize(de)
                .map(Query)
                .map_err(|e| ApiError::InvalidQuery(vec![field_error(&e)])),
        )
    }
}

/// The field error of a deserialization error: the field's path and a code by kind. serde's
/// own message is only classified, never passed on: it quotes the value.
fn field_error<E: std::fmt::Display>(e: &serde_path_to_error::Error<E>) -> FieldError {
    let path = e.path().to_string();
    let message = e.inner().to_string();
    let under = |name: &str| {
        if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    let (field, code, text) = if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        (under(name), "required", "Обязательное поле.")
    } else if message.starts_with("invalid type") {
        let expected = message
            .rsplit_once(", expected ")
            .map(|(_, e)| e)
            .unwrap_or_default();
        (path, "invalid_type", expected_ru(expected))
    } else if message.starts_with("invalid length") {
        (path, "invalid_length", "Неверное число элементов.")
    } else if message.starts_with("unknown variant") {
        // The allowed values are ours to list; the given one is not repeated.
        let allowed = message
            .rsplit_once(", expected ")
            .map(|(_, e)| e.replace('`', ""))
            .unwrap_or_default();
        return FieldError {
            field: path,
            code: "unknown_value".into(),
            message: format!("Недопустимое значение. Допустимо: {allowed}."),
        };
    } else {
        (path, "invalid_value", "Недопустимое значение.")
    };
    FieldError {
        field: if field == "." { String::new() } else { field },
        code: code.into(),
        message: text.into(),
    }
}

/// What serde expected, for people; by keyword only, so nothing of the input gets through.
fn expected_ru(expected: &str) -> &'static str {
    let has = |w: &str| expected.contains(w);
    if has("bool") {
        "Ожидается true или false."
    } else if has("string") || has("str") || has("date") {
        "Ожидается строка."
    } else if [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "integer",
    ]
    .iter()
    .any(|t| has(t))
    {
        "Ожидается целое число."
    } else if has("sequence") || has("array") {
        "Ожидается массив."
    } else if has("struct") || has("map") || has("object") {
        "Ожидается объект."
    } else {
        "Неверный тип значения."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        value: i64,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        password: String,
        values: Vec<Inner>,
    }

    fn error_of(v: serde_json::Value) -> FieldError {
        let e = serde_path_to_error::deserialize::<_, Body>(v).expect_err("invalid");
        field_error(&e)
    }

    #[test]
    fn whole_floats_are_integers_as_json_schema_says() {
        let mut v = serde_json::json!({"a": 5.0, "b": [1e3, 2.5], "c": {"d": -0.0}, "e": 1e300});
        integral_floats_to_integers(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": 5, "b": [1000, 2.5], "c": {"d": 0}, "e": 1e300})
        );
    }

    #[test]
    fn errors_name_the_field_path_and_never_the_value() {
        let e = error_of(serde_json::json!({"password": 31415926, "values": []}));
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("password", "invalid_type")
        );
        assert!(!e.message.contains("31415926"));
        let e = error_of(serde_json::json!({"password": "x", "values": [{"value": "секрет"}]}));
        assert_eq!(e.field, "values[0].value");
        assert_eq!(e.message, "Ожидается целое число.");
        let e = error_of(serde_json::json!({"password": "x", "values": [{}]}));
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("values[0].value", "required")
        );
        let e = error_of(serde_json::json!({"values": []}));
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("password", "required")
        );
    }
}

/// A deserializer over a JSON value that fills a struct only from a JSON object — serde
/// itself also takes an array and fills the fields by position (`["Иванов", "Иван"]` as a
/// name), at any depth.
mod objects_only {
    use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Value};

    pub struct Strict(pub Value);

    macro_rules! delegate {
        ($($method:ident)*) => {$(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method(visitor)
            }
        )*};
    }

    impl<'de> Deserializer<'de> for Strict {
        type Error = serde_json::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            match self.0 {
                Value::Array(items) => visitor.visit_seq(Seq(items.into_iter())),
                Value::Object(map) => visitor.visit_map(Fields {
                    iter: map.into_iter(),
                    value: None,
                }),
                other => other.deserialize_any(visitor),
            }
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            match self.0 {
                Value::Object(_) => self.deserialize_any(visitor),
                other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
            }
        }

        fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            match self.0 {
                Value::Object(_) => self.deserialize_any(visitor),
                other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
            }
        }

        fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            match self.0 {
                Value::Array(_) => self.deserialize_any(visitor),
                other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            match self.0 {
                Value::Null => visitor.visit_none(),
                other => visitor.visit_some(Strict(other)),
            }
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.deserialize_enum(name, variants, visitor)
        }

        fn deserialize_tuple<V: Visitor<'de>>(
            self,
            _len: usize,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.deserialize_seq(visitor)
        }

        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _len: usize,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.deserialize_seq(visitor)
        }

        fn deserialize_unit_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.deserialize_unit_struct(name, visitor)
        }

        delegate! {
            deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
            deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
            deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
            deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
            deserialize_identifier deserialize_ignored_any
        }
    }

    fn unexpected(v: &Value) -> de::Unexpected<'static> {
        match v {
            Value::Null => de::Unexpected::Unit,
            Value::Bool(b) => de::Unexpected::Bool(*b),
            Value::Number(_) => de::Unexpected::Other("number"),
            Value::String(_) => de::Unexpected::Other("string"),
            Value::Array(_) => de::Unexpected::Seq,
            Value::Object(_) => de::Unexpected::Map,
        }
    }

    struct Seq(std::vec::IntoIter<Value>);

    impl<'de> SeqAccess<'de> for Seq {
        type Error = serde_json::Error;

        fn next_element_seed<T: DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> Result<Option<T::Value>, Self::Error> {
            self.0
                .next()
                .map(|v| seed.deserialize(Strict(v)))
                .transpose()
        }

        fn size_hint(&self) -> Option<usize> {
            Some(self.0.len())
        }
    }

    struct Fields {
        iter: <Map<String, Value> as IntoIterator>::IntoIter,
        value: Option<Value>,
    }

    impl<'de> MapAccess<'de> for Fields {
        type Error = serde_json::Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>, Self::Error> {
            match self.iter.next() {
                Some((k, v)) => {
                    self.value = Some(v);
                    seed.deserialize(Value::String(k)).map(Some)
                }
                None => Ok(None),
            }
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(
            &mut self,
            seed: V,
        ) -> Result<V::Value, Self::Error> {
            let v = self
                .value
                .take()
                .ok_or_else(|| <serde_json::Error as de::Error>::custom("value before key"))?;
            seed.deserialize(Strict(v))
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Inner {
            zone: String,
            value: i64,
        }

        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Outer {
            name: Option<String>,
            values: Vec<Inner>,
        }

        fn read(json: &str) -> Result<Outer, serde_json::Error> {
            <Outer as serde::Deserialize>::deserialize(Strict(
                serde_json::from_str(json).expect("json"),
            ))
        }

        #[test]
        fn objects_fill_structs_and_arrays_never_do_at_any_depth() {
            assert_eq!(
                read(r#"{"values": [{"zone": "day", "value": 1}], "extra": [[1, 2]]}"#)
                    .expect("valid"),
                Outer {
                    name: None,
                    values: vec![Inner {
                        zone: "day".into(),
                        value: 1
                    }]
                }
            );
            assert!(read(r#"{"values": [["day", 1]]}"#).is_err());
            assert!(read(r#"["Иванов", []]"#).is_err());
            assert!(read(r#"{"name": null, "values": []}"#).is_ok());
        }
    }
}

/// `A`, and only once it succeeded, `B`: an access check before the body is read. Extractors
/// side by side run together, so a malformed body would answer 400/422 before the check
/// answered 404 — telling a subscriber that a staff endpoint exists.
pub struct Then<A, B>(pub A, pub B);

impl<A, B> FromRequest for Then<A, B>
where
    A: FromRequest + 'static,
    B: FromRequest + 'static,
{
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let first = A::from_request(req, &mut Payload::None);
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let a = first.await.map_err(Into::into)?;
            let b = B::from_request(&req, &mut payload)
                .await
                .map_err(Into::into)?;
            Ok(Then(a, b))
        })
    }
}
