//! What admins edit and every node serves alike: content sections (JSON documents), the
//! company's branches, uploaded files; and each user's settings.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lk_domain::{FileKind, FileSlot, Language};

use super::sql::SqlStore;
use super::StoreResult;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SectionRecord {
    pub section: String,
    /// The section's JSON document.
    pub body: String,
    /// What an admin has not verified yet.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BranchRecord {
    pub code: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub hours: String,
    pub note: Option<String>,
}

/// A stored file without its bytes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileMeta {
    #[sqlx(try_from = "String")]
    pub slot: FileSlot,
    #[sqlx(try_from = "String")]
    pub kind: FileKind,
    pub size: i64,
    pub sha256: String,
    pub updated_at: DateTime<Utc>,
}

/// The content hash a stored file is known by (URL-safe base64 of its SHA-256): its ETag and
/// the version in its address.
pub fn digest(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(bytes))
}

/// A file to store.
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    pub slot: FileSlot,
    pub kind: FileKind,
    pub bytes: &'a [u8],
    pub sha256: String,
    pub by: Option<i64>,
    pub now: DateTime<Utc>,
}

/// Why a branch could not be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchDeletion {
    Deleted,
    NotFound,
    /// Accounts of the registry belong to it.
    InUse,
}

#[async_trait]
pub trait ContentStore: Send + Sync {
    /// Every stored section (a section never saved is absent).
    async fn content_sections(&self) -> StoreResult<Vec<SectionRecord>>;
    /// Saves a section as a whole; an admin's save clears its note.
    async fn put_section(
        &self,
        section: &str,
        body: &str,
        note: Option<&str>,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The branches, by name.
    async fn branches(&self) -> StoreResult<Vec<BranchRecord>>;
    /// Creates a branch or replaces the one of the same code.
    async fn put_branch(&self, b: &BranchRecord) -> StoreResult<()>;
    async fn delete_branch(&self, code: &str) -> StoreResult<BranchDeletion>;
    async fn put_file(&self, f: &NewFile<'_>) -> StoreResult<()>;
    async fn file_metas(&self) -> StoreResult<Vec<FileMeta>>;
    /// A file and its bytes.
    async fn file(&self, slot: FileSlot) -> StoreResult<Option<(FileMeta, Vec<u8>)>>;
    /// The user's help-widget setting (`false` until changed).
    async fn help_hidden(&self, user_id: i64) -> StoreResult<bool>;
    async fn set_help_hidden(
        &self,
        user_id: i64,
        hidden: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The language the user reads the portal, its e-mails and receipts in (Russian until
    /// changed).
    async fn language(&self, user_id: i64) -> StoreResult<Language>;
    /// Changes only the language; the other settings stay.
    async fn set_language(
        &self,
        user_id: i64,
        language: Language,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

const SECTIONS: &str = "SELECT section, body, note FROM content";
const PUT_SECTION: &str = "INSERT INTO content (section, body, note, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (section) DO UPDATE SET body = excluded.body, note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by";
const BRANCHES: &str =
    "SELECT code, name, address, phone, email, hours, note FROM branches ORDER BY name, code";
const PUT_BRANCH: &str = "INSERT INTO branches (code, name, address, phone, email, hours, note) VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address, phone = excluded.phone, email = excluded.email, hours = excluded.hours, note = excluded.note";
/// One statement: a branch with accounts is never deleted, whatever runs beside it.
const DELETE_BRANCH: &str = "DELETE FROM branches WHERE code = $1 \
     AND NOT EXISTS (SELECT 1 FROM accounts WHERE accounts.branch_id = branches.id) RETURNING id";
const BRANCH_EXISTS: &str = "SELECT COUNT(*) FROM branches WHERE code = $1";
const PUT_FILE: &str = "INSERT INTO files (slot, kind, bytes, size, sha256, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (slot) DO UPDATE SET kind = excluded.kind, bytes = excluded.bytes, size = excluded.size, sha256 = excluded.sha256, updated_at = excluded.updated_at, updated_by = excluded.updated_by";
const FILE_METAS: &str = "SELECT slot, kind, size, sha256, updated_at FROM files";
const FILE: &str = "SELECT slot, kind, size, sha256, updated_at, bytes FROM files WHERE slot = $1";
const HELP_HIDDEN: &str = "SELECT help_hidden FROM user_settings WHERE user_id = $1";
const SET_HELP_HIDDEN: &str = "INSERT INTO user_settings (user_id, help_hidden, updated_at) VALUES ($1, $2, $3) \
     ON CONFLICT (user_id) DO UPDATE SET help_hidden = excluded.help_hidden, updated_at = excluded.updated_at";
const LANGUAGE: &str = "SELECT language FROM user_settings WHERE user_id = $1";
const SET_LANGUAGE: &str = "INSERT INTO user_settings (user_id, language, updated_at) VALUES ($1, $2, $3) \
     ON CONFLICT (user_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at";

macro_rules! impl_content {
    ($db:ty) => {
        #[async_trait]
        impl ContentStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn content_sections(&self) -> StoreResult<Vec<SectionRecord>> {
                Ok(sqlx::query_as::<_, SectionRecord>(SECTIONS)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all, fields(section))]
            async fn put_section(
                &self,
                section: &str,
                body: &str,
                note: Option<&str>,
                by: Option<i64>,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(PUT_SECTION)
                    .bind(section)
                    .bind(body)
                    .bind(note)
                    .bind(now)
                    .bind(by)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn branches(&self) -> StoreResult<Vec<BranchRecord>> {
                Ok(sqlx::query_as::<_, BranchRecord>(BRANCHES)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn put_branch(&self, b: &BranchRecord) -> StoreResult<()> {
                sqlx::query(PUT_BRANCH)
                    .bind(&b.code)
                    .bind(&b.name)
                    .bind(&b.address)
                    .bind(&b.phone)
                    .bind(&b.email)
                    .bind(&b.hours)
                    .bind(&b.note)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn delete_branch(&self, code: &str) -> StoreResult<BranchDeletion> {
                let deleted = sqlx::query_scalar::<_, i64>(DELETE_BRANCH)
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?;
                if deleted.is_some() {
                    return Ok(BranchDeletion::Deleted);
                }
                let exists: i64 = sqlx::query_scalar(BRANCH_EXISTS)
                    .bind(code)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(if exists > 0 {
                    BranchDeletion::InUse
                } else {
                    BranchDeletion::NotFound
                })
            }

            #[tracing::instrument(skip_all)]
            async fn put_file(&self, f: &NewFile<'_>) -> StoreResult<()> {
                sqlx::query(PUT_FILE)
                    .bind(f.slot.as_str())
                    .bind(f.kind.as_str())
                    .bind(f.bytes)
                    .bind(f.bytes.len() as i64)
                    .bind(&f.sha256)
                    .bind(f.now)
                    .bind(f.by)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn file_metas(&self) -> StoreResult<Vec<FileMeta>> {
                Ok(sqlx::query_as::<_, FileMeta>(FILE_METAS)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn file(&self, slot: FileSlot) -> StoreResult<Option<(FileMeta, Vec<u8>)>> {
                use sqlx::Row;
                let row = sqlx::query(FILE)
                    .bind(slot.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let meta = <FileMeta as sqlx::FromRow<_>>::from_row(&row)?;
                let bytes: Vec<u8> = row.try_get("bytes")?;
                Ok(Some((meta, bytes)))
            }

            #[tracing::instrument(skip_all)]
            async fn help_hidden(&self, user_id: i64) -> StoreResult<bool> {
                Ok(sqlx::query_scalar::<_, bool>(HELP_HIDDEN)
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .unwrap_or(false))
            }

            #[tracing::instrument(skip_all)]
            async fn set_help_hidden(
                &self,
                user_id: i64,
                hidden: bool,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(SET_HELP_HIDDEN)
                    .bind(user_id)
                    .bind(hidden)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn language(&self, user_id: i64) -> StoreResult<Language> {
                let stored = sqlx::query_scalar::<_, String>(LANGUAGE)
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?;
                match stored {
                    None => Ok(Language::default()),
                    Some(s) => {
                        Language::try_from(s).map_err(|e| sqlx::Error::Decode(Box::new(e)).into())
                    }
                }
            }

            #[tracing::instrument(skip_all)]
            async fn set_language(
                &self,
                user_id: i64,
                language: Language,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(SET_LANGUAGE)
                    .bind(user_id)
                    .bind(language.as_str())
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_content!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_content!(sqlx::Postgres);
}
