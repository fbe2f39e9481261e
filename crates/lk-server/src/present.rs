//! Records as the API shows them, where several resources show the same record (a reading
//! is shown by its meter, by the reading history and after a submission).

use lk_api_types::{ReadingResponse, RequestEvent, ZoneValue};
use lk_domain::Kopecks;

use crate::db::readings::ReadingRecord;
use crate::db::requests::EventRecord;

/// An entry of a request's history; the operator who acted is named to staff only.
pub fn request_event(e: EventRecord, with_actor: bool) -> RequestEvent {
    RequestEvent {
        at: e.at,
        kind: e.kind,
        status: e.status,
        text: e.body,
        actor: with_actor.then_some(e.actor),
    }
}

/// A stored reading with its values in the zones' listing order.
pub fn reading_response(r: ReadingRecord) -> ReadingResponse {
    let values: Vec<ZoneValue> = r
        .values
        .into_iter()
        .map(|(zone, value)| ZoneValue { zone, value })
        .collect();
    ReadingResponse {
        id: r.id,
        meter_id: r.meter_id,
        taken_on: r.taken_on,
        source: r.source,
        values,
        consumption: r.consumption,
        charge: r.charge.map(|c| Kopecks(c).to_rubles()),
    }
}

/// The catalogue's key of who took a reading («личный кабинет», «контролёр», «учётная система»),
/// for the history and the readings export alike.
pub fn reading_source_key(source: lk_domain::ReadingSource) -> &'static str {
    match source {
        lk_domain::ReadingSource::Portal => "operation.reading_portal",
        lk_domain::ReadingSource::Controller => "operation.reading_controller",
        lk_domain::ReadingSource::Billing => "operation.reading_billing",
    }
}
