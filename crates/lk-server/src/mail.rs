//! Outgoing e-mail: SMTP through lettre when `LK_SMTP_URL` is set, otherwise the development
//! mailbox, which keeps messages in the database and lists them at `GET /api/v1/dev/mailbox`.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::db::Store;

/// One message: plain text, in Russian.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: Mail) -> anyhow::Result<()>;
}

/// Keeps messages in the database instead of sending them.
pub struct DevMailbox {
    store: Arc<dyn Store>,
}

#[async_trait]
impl Mailer for DevMailbox {
    async fn send(&self, mail: Mail) -> anyhow::Result<()> {
        tracing::info!(subject = %mail.subject, "mail kept in the development mailbox");
        self.store
            .insert_dev_mail(&mail.to, &mail.subject, &mail.body, Utc::now())
            .await?;
        Ok(())
    }
}

/// Sends through an SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: Mail) -> anyhow::Result<()> {
        let msg = Message::builder()
            .from(self.from.clone())
            .to(mail.to.parse()?)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body)?;
        self.transport.send(msg).await?;
        Ok(())
    }
}

/// The mailer the configuration asks for.
pub fn from_config(config: &Config, store: Arc<dyn Store>) -> anyhow::Result<Arc<dyn Mailer>> {
    match &config.smtp_url {
        Some(url) => Ok(Arc::new(SmtpMailer {
            transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build(),
            from: config.mail_from.parse()?,
        })),
        None => Ok(Arc::new(DevMailbox { store })),
    }
}

/// Sends without failing the request: a mail server outage is logged, not shown to the user
/// (who can ask for the message again).
pub async fn send_logged(mailer: &dyn Mailer, mail: Mail) {
    let subject = mail.subject.clone();
    if let Err(e) = mailer.send(mail).await {
        tracing::error!(error = %e, %subject, "could not send mail");
    }
}

/// The portal's messages.
pub mod templates {
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

    pub fn reset_password(c: &Config, to: &str, token: &str) -> Mail {
        Mail {
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
