//! Enumerations of the API itself (the domain's — zones, statuses, roles… — come from
//! `lk-domain`), spelled on the wire exactly as listed.

lk_domain::wire_enum! {
    /// The kind of access token: always `Bearer`.
    pub enum TokenType {
        Bearer = "Bearer",
    }
}

lk_domain::wire_enum! {
    /// What the payer chose on the sandbox acquirer's test page.
    pub enum SandboxOutcome {
        Succeeded = "succeeded",
        Canceled = "canceled",
    }
}

lk_domain::wire_enum! {
    /// What became of an acquirer's notification.
    pub enum WebhookResult {
        /// It changed the payment.
        Applied = "applied",
        /// Duplicate, stale or of an unknown payment: nothing changed.
        Ignored = "ignored",
    }
}
