//! The SQL of the satisfaction survey (SKM): answer sheets per application.

use sqlx::Any;
use sqlx::Executor;

pub struct NewResponse<'a> {
    pub application_id: &'a str,
    pub office_id: &'a str,
    pub applicant_id: &'a str,
    pub permit_code: &'a str,
    pub scores: &'a str,
    pub comment: &'a str,
    pub now: &'a str,
}

pub async fn responses_for(db: impl Executor<'_, Database = Any>, application_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM skm_responses WHERE application_id = $1")
        .bind(application_id)
        .fetch_one(db)
        .await
}

/// One sheet per application: a second one fails on the unique index.
pub async fn insert_response(db: impl Executor<'_, Database = Any>, r: &NewResponse<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO skm_responses (application_id, office_id, applicant_id, permit_code, scores, comment, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(r.application_id)
    .bind(r.office_id)
    .bind(r.applicant_id)
    .bind(r.permit_code)
    .bind(r.scores)
    .bind(r.comment)
    .bind(r.now)
    .execute(db)
    .await?;
    Ok(())
}

/// Every stored answer sheet of an office.
pub async fn office_scores(db: impl Executor<'_, Database = Any>, office_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT scores FROM skm_responses WHERE office_id = $1")
        .bind(office_id)
        .fetch_all(db)
        .await
}
