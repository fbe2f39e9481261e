//! Records as the API shows them, where several resources show the same record (a reading
//! is shown by its meter, by the reading history and after a submission).

use lk_api_types::{ReadingResponse, ZoneValue};
use lk_domain::Kopecks;

use crate::db::readings::ReadingRecord;

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
