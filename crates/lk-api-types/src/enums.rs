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

lk_domain::wire_enum! {
    /// The stable machine-readable `code` of an error response (`Problem`); what is wrong
    /// with a single field is in the `code` of its `FieldError`.
    pub enum ErrorCode {
        /// Some fields are invalid; `errors` names them (422).
        ValidationFailed = "validation_failed",
        /// The body is JSON of the wrong shape (422).
        InvalidBody = "invalid_body",
        /// The body is not JSON (400).
        MalformedJson = "malformed_json",
        /// The body is not `application/json` (415).
        UnsupportedMediaType = "unsupported_media_type",
        /// The body is over the limit (413).
        PayloadTooLarge = "payload_too_large",
        /// A query parameter is not of its type (400).
        InvalidQuery = "invalid_query",
        /// A path parameter is not of its type (400).
        InvalidPath = "invalid_path",
        /// Another malformed request (400).
        BadRequest = "bad_request",
        /// No access token, or an invalid one (401).
        Unauthorized = "unauthorized",
        /// The session of the access token has ended (401).
        SessionEnded = "session_ended",
        /// No refresh cookie, or one of no live session (401).
        NoSession = "no_session",
        /// A refresh token was used twice: its whole session has ended (401).
        RefreshTokenReused = "refresh_token_reused",
        /// Wrong e-mail or password (401).
        InvalidCredentials = "invalid_credentials",
        /// A confirmation, reset or refresh token is wrong, used or expired (401 or 400).
        InvalidToken = "invalid_token",
        /// A payment notification's signature is missing or wrong (401).
        InvalidSignature = "invalid_signature",
        /// The second-factor code is wrong or was used already (401).
        InvalidSecondFactor = "invalid_second_factor",
        /// The second step of the sign-in took too long or failed too often: sign in again (401).
        SignInExpired = "sign_in_expired",
        /// The company requires a second factor for this work: turn it on in the profile (403).
        TwoFactorRequired = "two_factor_required",
        /// The e-mail address is not confirmed yet (403).
        EmailNotConfirmed = "email_not_confirmed",
        /// Signed in, but not allowed (403).
        Forbidden = "forbidden",
        /// No API key, or not a live one (integration API).
        InvalidApiKey = "invalid_api_key",
        /// The API key lacks the scope the operation needs.
        InsufficientScope = "insufficient_scope",
        /// The user is disabled by an admin and cannot sign in (403).
        AccountDisabled = "account_disabled",
        /// The request's status cannot change that way (409).
        StatusTransition = "status_transition",
        /// The branch still has accounts (409).
        BranchInUse = "branch_in_use",
        /// The file is not of a kind accepted here, judged by its content (415).
        UnsupportedFile = "unsupported_file",
        /// Nothing here — also the answer for another user's resource (404).
        NotFound = "not_found",
        /// The path exists, the method does not; `Allow` lists those that do (405).
        MethodNotAllowed = "method_not_allowed",
        /// The registry has no such account and meter pair (422).
        AccountNotFound = "account_not_found",
        /// The account is already in one of the user's houses (409).
        AccountAlreadyAdded = "account_already_added",
        /// The person invited holds the account already (409).
        AlreadyMember = "already_member",
        /// The invitation was sent to another e-mail address: sign in with that one (403).
        InvitationForOtherEmail = "invitation_for_other_email",
        /// The invitation link is wrong, used, cancelled or expired (422).
        InvitationNotFound = "invitation_not_found",
        /// A reading for this meter and day exists already (409).
        ReadingExists = "reading_exists",
        /// Readings are not being accepted today (422).
        ReadingWindowClosed = "reading_window_closed",
        /// The `Idempotency-Key` header is malformed (400).
        InvalidIdempotencyKey = "invalid_idempotency_key",
        /// A request with this `Idempotency-Key` is still being processed (409).
        IdempotencyKeyInUse = "idempotency_key_in_use",
        /// This `Idempotency-Key` came with another request before (422).
        IdempotencyKeyReused = "idempotency_key_reused",
        /// A payment notification is not of the acquirer's format (400).
        MalformedNotification = "malformed_notification",
        /// The state conflicts with the request (409).
        Conflict = "conflict",
        /// Too many attempts; `Retry-After` says when to try again (429).
        TooManyRequests = "too_many_requests",
        /// Every password check is busy; `Retry-After` says when to try again (429).
        ServerBusy = "server_busy",
        /// A dependency (the database) is down; `Retry-After` says when to try again (503).
        ServiceUnavailable = "service_unavailable",
        /// A fault on the server; it is logged (500).
        InternalError = "internal_error",
    }
}
