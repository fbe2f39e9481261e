//! Readings and payment without an account (X9): what a payer who typed an account and a meter
//! number may see of the account — its address masked, so that a number typed by mistake (or
//! on purpose) does not reveal where someone lives.

/// The address with every word but its first letter masked and every digit hidden; address
/// abbreviations («г.», «ул.», «д.», «кв.») stay as they are, so the payer can recognise the
/// shape of their own address: «г. Тамбов, ул. Советская, д. 12, кв. 5» →
/// «г. Т*****, ул. С********, д. **, кв. *».
pub fn mask_address(address: &str) -> String {
    address
        .split(' ')
        .map(|word| {
            let digits = word.chars().any(|c| c.is_ascii_digit());
            let bare = word.trim_end_matches(',');
            if bare.ends_with('.') && bare.chars().count() <= 5 && !digits {
                return word.to_owned();
            }
            let mut out = String::with_capacity(word.len());
            // A house or flat number is hidden whole, letters too («7а»).
            let mut first_letter = !digits;
            for c in word.chars() {
                if c.is_alphabetic() && first_letter {
                    out.push(c);
                    first_letter = false;
                } else if c.is_alphanumeric() {
                    out.push('*');
                } else {
                    out.push(c);
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_keeps_its_shape_and_hides_the_rest() {
        assert_eq!(
            mask_address("г. Тамбов, ул. Советская, д. 12, кв. 5"),
            "г. Т*****, ул. С********, д. **, кв. *"
        );
        assert_eq!(
            mask_address("Тамбовская обл., с. Покрово-Пригородное, д. 7а"),
            "Т********* обл., с. П******-***********, д. **"
        );
        assert_eq!(mask_address(""), "");
    }
}
