//! Outgoing e-mail through an outbox: a request only puts the message in the `mail_outbox`
//! table (so a mail server that is down or hangs neither loses the message nor blocks the
//! request); background senders on every node claim due messages in the database and deliver
//! each once over SMTP (lettre, with timeouts), retrying with backoff and marking failures.
//! Without `LK_SMTP_URL` (development only) nothing leaves the machine: the development
//! mailbox at `GET /api/v1/dev/mailbox` lists the outbox.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

use crate::config::Config;
use crate::db::{NewMail, OutboxMail, Store};
use crate::error::ApiError;
use crate::metrics::Metrics;

/// One message: plain text (an HTML part is made from it) in the reader's language.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub language: lk_domain::Language,
}

/// Seconds one SMTP connection or command may take before the attempt is abandoned.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a claimed message is reserved for its sender: longer than one delivery can take
/// (three SMTP steps at most), so no other node takes it while it is being sent.
const LEASE: Duration = Duration::from_secs(120);
/// Attempts before a message is marked failed (the backoff doubles from 30 s to an hour:
/// about eight hours in all).
const MAX_ATTEMPTS: i64 = 12;
/// Messages claimed at a time: one, so the lease covers exactly one delivery.
const BATCH: i64 = 1;
/// How often a sender looks for due messages without being woken.
const POLL: Duration = Duration::from_secs(5);

/// Puts messages in the outbox and wakes this node's sender.
#[derive(Clone)]
pub struct Outbox {
    store: Arc<dyn Store>,
    metrics: Metrics,
    domain: String,
    wake: Arc<Notify>,
}

impl Outbox {
    pub fn new(config: &Config, store: Arc<dyn Store>, metrics: Metrics) -> Self {
        let domain = config
            .mail_from
            .parse::<Mailbox>()
            .ok()
            .map(|m| m.email.domain().to_owned())
            .unwrap_or_else(|| "lk.invalid".into());
        Self {
            store,
            metrics,
            domain,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Queues a message; it is sent in the background. Fails only when the database does.
    pub async fn enqueue(&self, mail: Mail) -> Result<(), ApiError> {
        let id = self
            .store
            .enqueue_mail(&self.prepare(mail, None, None))
            .await?;
        self.queued(id);
        Ok(())
    }

    /// The outbox row of a message: its `Message-ID` and HTML part made, with a one-click
    /// unsubscribe URL (RFC 8058) and an attached file `(name, bytes)` if given. The caller
    /// stores it (in a transaction of its own) and then calls [`Outbox::queued`].
    pub fn prepare(
        &self,
        mail: Mail,
        list_unsubscribe: Option<String>,
        attachment: Option<(String, Vec<u8>)>,
    ) -> NewMail {
        NewMail {
            message_id: format!("<{}@{}>", uuid::Uuid::new_v4().simple(), self.domain),
            html: html_of(mail.language, &mail.subject, &mail.body),
            to: mail.to,
            subject: mail.subject,
            text: mail.body,
            now: Utc::now(),
            list_unsubscribe,
            attachment,
        }
    }

    /// A message was stored in the outbox: this node's sender is woken for it.
    pub fn queued(&self, id: i64) {
        tracing::info!(mail_id = id, "mail queued");
        self.metrics.mail("queued");
        self.wake.notify_one();
    }
}

/// Where claimed messages go.
pub enum Transport {
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
    /// Development: the message stays in the outbox for the dev mailbox to show.
    DevMailbox,
}

impl Transport {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        match &config.smtp_url {
            Some(url) => Ok(Transport::Smtp {
                transport: Box::new(
                    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                        .map_err(|e| anyhow::anyhow!("LK_SMTP_URL: {e}"))?
                        .timeout(Some(SMTP_TIMEOUT))
                        .build(),
                ),
                from: config
                    .mail_from
                    .parse()
                    .map_err(|e| anyhow::anyhow!("LK_MAIL_FROM: {e}"))?,
            }),
            None => Ok(Transport::DevMailbox),
        }
    }

    async fn deliver(&self, m: &OutboxMail) -> anyhow::Result<()> {
        match self {
            Transport::DevMailbox => Ok(()),
            Transport::Smtp { transport, from } => {
                let mut builder = Message::builder()
                    .message_id(Some(m.message_id.clone()))
                    .from(from.clone())
                    .to(m.to_addr.parse()?)
                    .subject(m.subject.clone());
                if let Some(url) = &m.list_unsubscribe {
                    // RFC 8058: mail clients offer "unsubscribe" and POST to the URL in one
                    // click, without the user signing in.
                    builder = builder
                        .raw_header(HeaderValue::new(
                            HeaderName::new_from_ascii_str("List-Unsubscribe"),
                            format!("<{url}>"),
                        ))
                        .raw_header(HeaderValue::new(
                            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                            "List-Unsubscribe=One-Click".to_owned(),
                        ));
                }
                let text_and_html =
                    MultiPart::alternative_plain_html(m.text_body.clone(), m.html_body.clone());
                let msg = match (&m.attachment_name, &m.attachment) {
                    (Some(name), Some(bytes)) => builder.multipart(
                        MultiPart::mixed().multipart(text_and_html).singlepart(
                            Attachment::new(name.clone())
                                .body(bytes.clone(), ContentType::parse("application/pdf")?),
                        ),
                    )?,
                    _ => builder.multipart(text_and_html)?,
                };
                // lettre's timeout bounds each step; this bounds a server that answers every
                // step slowly.
                tokio::time::timeout(SMTP_TIMEOUT * 3, transport.send(msg))
                    .await
                    .map_err(|_| anyhow::anyhow!("SMTP server too slow"))??;
                Ok(())
            }
        }
    }
}

/// The delay before attempt `attempts + 1`: 30 s, doubling, at most an hour.
fn backoff(attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(7);
    Duration::from_secs((30u64 << exp).min(3600))
}

/// Delivers the messages due at `now`; answers how many were claimed.
pub async fn deliver_due(
    store: &dyn Store,
    transport: &Transport,
    metrics: &Metrics,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<usize> {
    let now_ms = now.timestamp_millis();
    let lease_ms = i64::try_from(LEASE.as_millis()).unwrap_or(120_000);
    let claimed = store.claim_mails(now_ms, now_ms + lease_ms, BATCH).await?;
    for m in &claimed {
        match transport.deliver(m).await {
            Ok(()) => {
                let dev = matches!(transport, Transport::DevMailbox);
                store.mail_sent(m.id, Utc::now(), dev).await?;
                metrics.mail("sent");
                if dev {
                    tracing::warn!(
                        mail_id = m.id,
                        "mail kept in the DEVELOPMENT mailbox (no LK_SMTP_URL), not sent"
                    );
                } else {
                    tracing::info!(mail_id = m.id, attempts = m.attempts, "mail sent");
                }
            }
            Err(e) if m.attempts < MAX_ATTEMPTS => {
                let wait = backoff(m.attempts);
                let next = Utc::now().timestamp_millis()
                    + i64::try_from(wait.as_millis()).unwrap_or(3_600_000);
                store
                    .mail_failed(m.id, Some(next), &format!("{e:#}"))
                    .await?;
                metrics.mail("retried");
                tracing::warn!(mail_id = m.id, attempts = m.attempts, retry_in_secs = wait.as_secs(), error = %format!("{e:#}"), "mail not sent, will retry");
            }
            Err(e) => {
                store.mail_failed(m.id, None, &format!("{e:#}")).await?;
                metrics.mail("failed");
                tracing::error!(mail_id = m.id, attempts = m.attempts, error = %format!("{e:#}"), "mail given up");
            }
        }
    }
    Ok(claimed.len())
}

/// The background sender of this node: delivers what is due whenever a message is queued
/// here, and every few seconds for messages queued elsewhere or waiting for a retry.
pub async fn run_sender(outbox: Outbox, transport: Transport) {
    loop {
        match deliver_due(
            outbox.store.as_ref(),
            &transport,
            &outbox.metrics,
            Utc::now(),
        )
        .await
        {
            Ok(n) if n as i64 == BATCH => continue,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "mail sender could not reach the database")
            }
        }
        tokio::select! {
            _ = outbox.wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// The HTML part: the text, escaped, with paragraphs, line breaks and links.
fn html_of(language: lk_domain::Language, subject: &str, text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|p| {
            let lines: Vec<String> = p.lines().map(linkify).collect();
            format!("<p>{}</p>", lines.join("<br>\n"))
        })
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n\
         <body style=\"font-family: Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #1f2933\">\n{}\n</body></html>\n",
        language.as_str(),
        escape(subject),
        paragraphs.join("\n")
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Escapes a line and turns its `http(s)://…` words into links.
fn linkify(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            if word.starts_with("https://") || word.starts_with("http://") {
                let url = escape(word);
                format!("<a href=\"{url}\">{url}</a>")
            } else {
                escape(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The portal's messages, in Russian or English (the catalogue's `mail.*`, locales/*.yml).
pub mod templates {
    use chrono::NaiveDate;
    use lk_domain::{Kopecks, Language};

    use super::Mail;
    use crate::config::Config;
    use crate::i18n::text;

    fn signature(c: &Config, l: Language) -> String {
        text!(
            l,
            "mail.signature",
            company = &c.company.name,
            url = &c.public_url
        )
    }

    fn mail(c: &Config, l: Language, to: &str, subject: String, body: String) -> Mail {
        Mail {
            to: to.into(),
            subject,
            body: format!("{body}{}", signature(c, l)),
            language: l,
        }
    }

    pub fn confirm_email(c: &Config, l: Language, to: &str, token: &str) -> Mail {
        let link = c.spa_link(&format!("/confirm-email#token={token}"));
        mail(
            c,
            l,
            to,
            text!(l, "mail.confirm_email.subject"),
            text!(
                l,
                "mail.confirm_email.body",
                company = &c.company.name,
                link = link
            ),
        )
    }

    pub fn already_registered(c: &Config, l: Language, to: &str) -> Mail {
        let link = c.spa_link("/forgot-password");
        mail(
            c,
            l,
            to,
            text!(l, "mail.already_registered.subject"),
            text!(l, "mail.already_registered.body", link = link),
        )
    }

    /// The acknowledgement of a request to the contact centre, with its number. The sender's
    /// text is not repeated: the form must not relay anyone's words to any address.
    pub fn request_received(c: &Config, l: Language, to: &str, number: i64) -> Mail {
        mail(
            c,
            l,
            to,
            text!(l, "mail.request_received.subject", number = number),
            text!(l, "mail.request_received.body", number = number),
        )
    }

    /// The contact centre's reply to request `number`; a sender with an account also finds
    /// it in «Мои обращения». The reply is appended as it is, never put through the
    /// catalogue's `%{…}` substitution.
    pub fn request_reply(
        c: &Config,
        l: Language,
        to: &str,
        number: i64,
        reply: &str,
        in_spa: bool,
    ) -> Mail {
        let follow = if in_spa {
            let link = c.spa_link("/profile/requests");
            text!(l, "mail.request_reply.follow", link = link)
        } else {
            String::new()
        };
        mail(
            c,
            l,
            to,
            text!(l, "mail.request_reply.subject", number = number),
            format!(
                "{}{reply}{follow}",
                text!(l, "mail.request_reply.intro", number = number)
            ),
        )
    }

    pub fn reset_password(c: &Config, l: Language, to: &str, token: &str) -> Mail {
        let link = c.spa_link(&format!("/reset-password#token={token}"));
        mail(
            c,
            l,
            to,
            text!(l, "mail.reset_password.subject"),
            text!(l, "mail.reset_password.body", link = link),
        )
    }

    /// `amount` as the language writes it (`crate::i18n::money`).
    pub fn payment_succeeded(
        c: &Config,
        l: Language,
        to: &str,
        account: &str,
        amount: &str,
    ) -> Mail {
        let link = c.spa_link("/");
        mail(
            c,
            l,
            to,
            text!(l, "mail.payment_succeeded.subject"),
            text!(
                l,
                "mail.payment_succeeded.body",
                amount = amount,
                account = account,
                link = link
            ),
        )
    }

    /// A reminder: its text, then why it came, the page that switches it off without signing
    /// in (`unsubscribe`, the SPA's `/unsubscribe#token=…`) and «Настройки».
    fn reminder(
        c: &Config,
        l: Language,
        to: &str,
        subject: String,
        body: String,
        paperless: bool,
        unsubscribe: &str,
    ) -> Mail {
        let link = c.spa_link("/profile/settings");
        let footer = if paperless {
            text!(
                l,
                "mail.reminder.footer_paperless",
                link = link,
                unsubscribe = unsubscribe
            )
        } else {
            text!(
                l,
                "mail.reminder.footer",
                link = link,
                unsubscribe = unsubscribe
            )
        };
        mail(c, l, to, subject, format!("{body}{footer}"))
    }

    /// The reading window opened on `account`, open until `closes`.
    pub fn window_opens(
        c: &Config,
        l: Language,
        to: &str,
        account: &str,
        closes: NaiveDate,
        unsubscribe: &str,
    ) -> Mail {
        let link = c.spa_link("/");
        let closes = crate::i18n::date(closes, l);
        reminder(
            c,
            l,
            to,
            text!(l, "mail.reminder.window_opens.subject"),
            text!(
                l,
                "mail.reminder.window_opens.body",
                account = account,
                closes = closes,
                link = link
            ),
            false,
            unsubscribe,
        )
    }

    /// No reading yet this month on `account`, and the window closes on `closes`.
    pub fn window_closes(
        c: &Config,
        l: Language,
        to: &str,
        account: &str,
        closes: NaiveDate,
        unsubscribe: &str,
    ) -> Mail {
        let link = c.spa_link("/");
        let closes = crate::i18n::date(closes, l);
        reminder(
            c,
            l,
            to,
            text!(l, "mail.reminder.window_closes.subject"),
            text!(
                l,
                "mail.reminder.window_closes.body",
                account = account,
                closes = closes,
                link = link
            ),
            false,
            unsubscribe,
        )
    }

    /// A new invoice of `account` for the month of `period`; `with_receipt`: the paperless
    /// receipt (its PDF is attached).
    pub fn invoice(
        c: &Config,
        l: Language,
        to: &str,
        account: &str,
        invoice: &InvoiceNotice,
        with_receipt: bool,
        unsubscribe: &str,
    ) -> Mail {
        let link = c.spa_link("/");
        let period = crate::i18n::month(invoice.period, l);
        let amount = crate::i18n::money(invoice.amount, l);
        let due = crate::i18n::date(invoice.due_on, l);
        let which = if with_receipt { "receipt" } else { "invoice" };
        reminder(
            c,
            l,
            to,
            text!(
                l,
                &format!("mail.reminder.{which}.subject"),
                period = period
            ),
            text!(
                l,
                &format!("mail.reminder.{which}.body"),
                account = account,
                period = period,
                amount = amount,
                due = due,
                link = link
            ),
            with_receipt,
            unsubscribe,
        )
    }

    /// A payment of `amount` credited to `account`.
    pub fn payment_credited(
        c: &Config,
        l: Language,
        to: &str,
        account: &str,
        amount: Kopecks,
        unsubscribe: &str,
    ) -> Mail {
        let link = c.spa_link("/");
        let amount = crate::i18n::money(amount, l);
        reminder(
            c,
            l,
            to,
            text!(l, "mail.payment_succeeded.subject"),
            text!(
                l,
                "mail.payment_succeeded.body",
                amount = amount,
                account = account,
                link = link
            ),
            false,
            unsubscribe,
        )
    }

    /// The debt of `account` is above the user's `threshold`.
    pub fn debt(
        c: &Config,
        l: Language,
        to: &str,
        account: &str,
        debt: Kopecks,
        threshold: Kopecks,
        unsubscribe: &str,
    ) -> Mail {
        let link = c.spa_link("/");
        reminder(
            c,
            l,
            to,
            text!(l, "mail.reminder.debt.subject", account = account),
            text!(
                l,
                "mail.reminder.debt.body",
                account = account,
                debt = crate::i18n::money(debt, l),
                threshold = crate::i18n::money(threshold, l),
                link = link
            ),
            false,
            unsubscribe,
        )
    }

    /// What an invoice mail says of the invoice.
    #[derive(Debug, Clone, Copy)]
    pub struct InvoiceNotice {
        /// Any day of the billing month.
        pub period: NaiveDate,
        pub amount: Kopecks,
        pub due_on: NaiveDate,
    }

    pub fn password_changed(c: &Config, l: Language, to: &str) -> Mail {
        let link = c.spa_link("/forgot-password");
        mail(
            c,
            l,
            to,
            text!(l, "mail.password_changed.subject"),
            text!(l, "mail.password_changed.body", link = link),
        )
    }

    /// An invitation to an account's family access (X9), from `inviter`.
    pub fn family_invitation(
        c: &Config,
        l: Language,
        to: &str,
        inviter: &str,
        account: &str,
        role: lk_domain::MemberRole,
        token: &str,
    ) -> Mail {
        let link = c.spa_link(&format!("/family/accept#token={token}"));
        let key = format!("mail.family_invitation.{}", role.as_str());
        let role = text!(l, &key);
        mail(
            c,
            l,
            to,
            text!(l, "mail.family_invitation.subject", account = account),
            text!(
                l,
                "mail.family_invitation.body",
                inviter = inviter,
                account = account,
                role = role,
                link = link,
                days = lk_domain::family::INVITATION_TTL_DAYS
            ),
        )
    }

    /// Two-factor sign-in was turned on (`on`) or off: a notice to the owner.
    pub fn two_factor_changed(c: &Config, l: Language, to: &str, on: bool) -> Mail {
        let link = c.spa_link("/forgot-password");
        let (subject, body) = if on {
            (
                text!(l, "mail.two_factor_on.subject"),
                text!(l, "mail.two_factor_on.body", link = link),
            )
        } else {
            (
                text!(l, "mail.two_factor_off.subject"),
                text!(l, "mail.two_factor_off.body", link = link),
            )
        };
        mail(c, l, to, subject, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// The Russian templates as they were before the catalogue: its Russian must say exactly
    /// the same.
    mod before {
        use super::Mail;
        use crate::config::Config;

        fn signature(c: &Config) -> String {
            format!(
            "\n\nС уважением,\n{}\nЛичный кабинет абонента: {}\n\nЭто письмо отправлено автоматически, отвечать на него не нужно.",
            c.company.name, c.public_url
        )
        }

        pub fn confirm_email(c: &Config, to: &str, token: &str) -> Mail {
            Mail {
            language: lk_domain::Language::Ru,
            to: to.into(),
            subject: "Подтверждение адреса электронной почты".into(),
            body: format!(
                "Здравствуйте!\n\nВы зарегистрировались в личном кабинете абонента {}.\n\
                 Чтобы подтвердить адрес электронной почты, перейдите по ссылке:\n{}\n\n\
                 Ссылка действует 48 часов. Если вы не регистрировались, просто проигнорируйте это письмо.{}",
                c.company.name,
                c.spa_link(&format!("/confirm-email#token={token}")),
                signature(c)
            ),
        }
        }

        pub fn already_registered(c: &Config, to: &str) -> Mail {
            Mail {
            language: lk_domain::Language::Ru,
            to: to.into(),
            subject: "Попытка повторной регистрации".into(),
            body: format!(
                "Здравствуйте!\n\nКто-то (возможно, вы) пытался зарегистрироваться в личном кабинете с этим адресом, \
                 но он уже зарегистрирован.\nЕсли вы забыли пароль, восстановите его:\n{}{}",
                c.spa_link("/forgot-password"),
                signature(c)
            ),
        }
        }

        /// The acknowledgement of a request to the contact centre, with its number. The sender's
        /// text is not repeated: the form must not relay anyone's words to any address.
        pub fn request_received(c: &Config, to: &str, number: i64) -> Mail {
            Mail {
                language: lk_domain::Language::Ru,
                to: to.into(),
                subject: format!("Обращение № {number} принято"),
                body: format!(
                    "Здравствуйте!\n\nВаше обращение принято, его номер — {number}. \
                 Ответ придёт на этот адрес; при переписке указывайте номер обращения.\n\n\
                 Если вы не писали в контакт-центр, просто удалите это письмо.{}",
                    signature(c)
                ),
            }
        }

        /// The contact centre's reply to request `number`; a sender with an account also finds
        /// it in «Мои обращения».
        pub fn request_reply(c: &Config, to: &str, number: i64, reply: &str, in_spa: bool) -> Mail {
            let follow = if in_spa {
                format!(
                "\n\nОбращение и вся переписка по нему — в личном кабинете, «Мои обращения»: {}",
                c.spa_link("/profile/requests")
            )
            } else {
                String::new()
            };
            Mail {
            language: lk_domain::Language::Ru,
            to: to.into(),
            subject: format!("Ответ на обращение № {number}"),
            body: format!(
                "Здравствуйте!\n\nОтвет контакт-центра на ваше обращение № {number}:\n\n{reply}{follow}{}",
                signature(c)
            ),
        }
        }

        pub fn reset_password(c: &Config, to: &str, token: &str) -> Mail {
            Mail {
            language: lk_domain::Language::Ru,
            to: to.into(),
            subject: "Восстановление пароля".into(),
            body: format!(
                "Здравствуйте!\n\nЧтобы задать новый пароль для входа в личный кабинет, перейдите по ссылке:\n{}\n\n\
                 Ссылка действует 1 час и может быть использована один раз. \
                 Если вы не запрашивали восстановление пароля, проигнорируйте это письмо — ваш пароль не изменится.{}",
                c.spa_link(&format!("/reset-password#token={token}")),
                signature(c)
            ),
        }
        }

        pub fn payment_succeeded(c: &Config, to: &str, account: &str, amount: &str) -> Mail {
            Mail {
            language: lk_domain::Language::Ru,
            to: to.into(),
            subject: "Платёж зачислен".into(),
            body: format!(
                "Здравствуйте!\n\nПлатёж {amount} по лицевому счёту № {account} зачислен.\n\
                 Кассовый чек по 54-ФЗ направляет банк-эквайер, принявший оплату, — он придёт отдельным письмом.\n\
                 История платежей: {}{}",
                c.spa_link("/"),
                signature(c)
            ),
        }
        }

        pub fn password_changed(c: &Config, to: &str) -> Mail {
            Mail {
            language: lk_domain::Language::Ru,
            to: to.into(),
            subject: "Пароль изменён".into(),
            body: format!(
                "Здравствуйте!\n\nПароль для входа в личный кабинет был изменён. Все остальные сеансы завершены.\n\
                 Если это были не вы, немедленно восстановите пароль:\n{}{}",
                c.spa_link("/forgot-password"),
                signature(c)
            ),
        }
        }
    }

    #[test]
    fn the_russian_mails_say_what_they_said_before_the_catalogue() {
        use lk_domain::Language::Ru;
        let c = Config::default();
        let pairs = [
            (
                templates::confirm_email(&c, Ru, "a@b.ru", "tok"),
                before::confirm_email(&c, "a@b.ru", "tok"),
            ),
            (
                templates::already_registered(&c, Ru, "a@b.ru"),
                before::already_registered(&c, "a@b.ru"),
            ),
            (
                templates::request_received(&c, Ru, "a@b.ru", 42),
                before::request_received(&c, "a@b.ru", 42),
            ),
            (
                templates::request_reply(&c, Ru, "a@b.ru", 42, "Ответ %{follow} {}", true),
                before::request_reply(&c, "a@b.ru", 42, "Ответ %{follow} {}", true),
            ),
            (
                templates::request_reply(&c, Ru, "a@b.ru", 42, "Ответ", false),
                before::request_reply(&c, "a@b.ru", 42, "Ответ", false),
            ),
            (
                templates::reset_password(&c, Ru, "a@b.ru", "tok"),
                before::reset_password(&c, "a@b.ru", "tok"),
            ),
            (
                templates::payment_succeeded(&c, Ru, "a@b.ru", "100200300", "1 234,56 ₽"),
                before::payment_succeeded(&c, "a@b.ru", "100200300", "1 234,56 ₽"),
            ),
            (
                templates::password_changed(&c, Ru, "a@b.ru"),
                before::password_changed(&c, "a@b.ru"),
            ),
        ];
        for (now, was) in pairs {
            assert_eq!((&now.to, &now.subject), (&was.to, &was.subject));
            assert_eq!(now.body, was.body);
            assert_eq!(now.language, Ru);
        }
    }

    #[test]
    fn the_english_mails_are_english_and_keep_their_links() {
        use lk_domain::Language::En;
        let c = Config::default();
        let mails = [
            templates::confirm_email(&c, En, "a@b.ru", "tok"),
            templates::already_registered(&c, En, "a@b.ru"),
            templates::request_received(&c, En, "a@b.ru", 42),
            templates::request_reply(&c, En, "a@b.ru", 42, "Answer %{link}", true),
            templates::reset_password(&c, En, "a@b.ru", "tok"),
            templates::payment_succeeded(&c, En, "a@b.ru", "100200300", "RUB 1.00"),
            templates::password_changed(&c, En, "a@b.ru"),
        ];
        for m in &mails {
            assert!(m.body.starts_with("Hello!\n\n"), "{}", m.body);
            assert!(m.body.ends_with("please do not reply to it."), "{}", m.body);
            let cyrillic = |t: &str| t.chars().any(|ch| matches!(ch, 'а'..='я' | 'А'..='Я'));
            assert!(!cyrillic(&m.subject), "{}", m.subject);
            assert!(html_of(m.language, &m.subject, &m.body).contains("<html lang=\"en\">"));
        }
        assert!(mails[0]
            .body
            .contains(&c.spa_link("/confirm-email#token=tok")));
        assert!(
            mails[3].body.contains("Answer %{link}\n\n"),
            "the reply is not substituted"
        );
        assert!(mails[3].body.contains(&c.spa_link("/profile/requests")));
        assert!(mails[4]
            .body
            .contains(&c.spa_link("/reset-password#token=tok")));
        assert_eq!(mails[2].subject, "Request No. 42 received");
    }

    #[test]
    fn the_html_part_escapes_the_text_and_links_its_urls() {
        let html = html_of(
            lk_domain::Language::Ru,
            "Тема <1>",
            "Здравствуйте!\n\nСсылка:\nhttps://lk.example/reset#token=a&b\n<script>",
        );
        assert!(html.contains("<title>Тема &lt;1&gt;</title>"), "{html}");
        assert!(
            html.contains("<a href=\"https://lk.example/reset#token=a&amp;b\">"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn reminders_say_why_they_came_and_where_they_are_switched_off_in_either_language() {
        use lk_domain::Kopecks;
        use lk_domain::Language::{En, Ru};
        let c = Config::default();
        // The unsubscribe page of the mail's token.
        const PAGE: &str = "https://lk.example/unsubscribe#token=t";
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        let notice = templates::InvoiceNotice {
            period: d(10, 1),
            amount: Kopecks(123_456),
            due_on: d(11, 10),
        };
        for l in [Ru, En] {
            let mails = [
                templates::window_opens(&c, l, "a@b.ru", "680000000001", d(11, 25), PAGE),
                templates::window_closes(&c, l, "a@b.ru", "680000000001", d(11, 25), PAGE),
                templates::invoice(&c, l, "a@b.ru", "680000000001", &notice, false, PAGE),
                templates::invoice(&c, l, "a@b.ru", "680000000001", &notice, true, PAGE),
                templates::payment_credited(&c, l, "a@b.ru", "680000000001", Kopecks(50_000), PAGE),
                templates::debt(
                    &c,
                    l,
                    "a@b.ru",
                    "680000000001",
                    Kopecks(300_000),
                    Kopecks(100_000),
                    PAGE,
                ),
            ];
            let settings = c.spa_link("/profile/settings");
            for m in &mails {
                assert!(m.body.contains("680000000001"), "{}", m.body);
                assert!(m.body.contains(&settings), "{}", m.body);
                assert!(m.body.contains(PAGE), "the unsubscribe page: {}", m.body);
                assert!(
                    !m.body.contains("%{"),
                    "every placeholder filled: {}",
                    m.body
                );
                assert_eq!(m.language, l);
                let cyrillic = m
                    .subject
                    .chars()
                    .any(|ch| matches!(ch, 'а'..='я' | 'А'..='Я'));
                assert_eq!(cyrillic, l == Ru, "{}", m.subject);
            }
            assert_ne!(
                mails[2].subject, mails[3].subject,
                "the receipt says it is one"
            );
        }
        let ru = templates::invoice(&c, Ru, "a@b.ru", "680000000001", &notice, true, PAGE);
        assert_eq!(ru.subject, "Квитанция за октябрь 2026 г.");
        assert!(
            ru.body.contains("234,56")
                && ru.body.contains("10.11.2026")
                && ru.body.contains("во вложении"),
            "{}",
            ru.body
        );
        let en = templates::window_closes(&c, En, "a@b.ru", "680000000001", d(11, 25), PAGE);
        assert!(en.body.contains("25 Nov 2026"), "{}", en.body);
    }

    #[test]
    fn retries_back_off_from_half_a_minute_to_an_hour() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(5), Duration::from_secs(480));
        assert_eq!(backoff(11), Duration::from_secs(3600));
    }
}
