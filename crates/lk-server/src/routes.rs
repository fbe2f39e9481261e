//! The application's routes in one place: the server, the OpenAPI document and the tests all
//! mount these, so a route cannot exist without its documentation.

use crate::{
    accounts, auth, content, dev, houses, insights, integration, meters, operations, ops, payments,
    profile, public, readings, receipts, requests, staff,
};

/// Every documented route on `app`: health and metrics, and the API under `/api/v1`, where a
/// path no route takes answers a problem. The server and the OpenAPI document both call this.
pub fn mount<T>(app: utoipa_actix_web::UtoipaApp<T>) -> utoipa_actix_web::UtoipaApp<T>
where
    T: actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Error = actix_web::Error,
        InitError = (),
    >,
{
    app.configure(ops_routes).service(
        utoipa_actix_web::scope("/api/v1")
            .configure(api_routes)
            .default_service(actix_web::web::to(crate::web::api_not_found)),
    )
}

/// Every `/api/v1` route, by resource.
pub fn api_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    auth::routes(cfg);
    profile::routes(cfg);
    crate::reminder_settings::routes(cfg);
    crate::sessions::routes(cfg);
    houses::routes(cfg);
    accounts::routes(cfg);
    insights::routes(cfg);
    meters::routes(cfg);
    readings::routes(cfg);
    operations::routes(cfg);
    payments::routes(cfg);
    receipts::routes(cfg);
    public::routes(cfg);
    crate::guest::routes(cfg);
    crate::family::routes(cfg);
    requests::routes(cfg);
    content::routes(cfg);
    staff::routes(cfg);
    integration::routes(cfg);
    dev::routes(cfg);
}

/// Health and metrics, outside `/api/v1`.
pub fn ops_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    ops::routes(cfg);
}
