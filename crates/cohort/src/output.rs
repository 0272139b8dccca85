//! The Parquet file of a shard: one typed column per field, units in the names, and metadata
//! that says which engine, knowledge base and spec made it.

use std::fs::File;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, Float64Array, RecordBatch, StringArray, UInt8Array, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use crate::Error;
use crate::rows::Row;

/// The columns, in order.
pub fn schema() -> SchemaRef {
    let f = |name: &str, t: DataType| Field::new(name, t, false);
    let hours = crate::delivery::DELIVERY_HOURS.round() as u32;
    Arc::new(Schema::new(vec![
        f("patient_index", DataType::UInt64),
        f("protocol_index", DataType::UInt32),
        f("age_years", DataType::Float64),
        f("sex", DataType::Utf8),
        f("fitzpatrick", DataType::UInt8),
        f("site", DataType::Utf8),
        f("device", DataType::Utf8),
        f("length_mm", DataType::Float64),
        f("passes", DataType::UInt32),
        f("sessions", DataType::UInt32),
        f("interval_weeks", DataType::UInt32),
        f("skin_thickness_z", DataType::Float64),
        f("effective_depth_um", DataType::Float64),
        f("injured_dermis_fraction", DataType::Float64),
        f("new_collagen_pct_month_6", DataType::Float64),
        f("new_collagen_pct_month_12", DataType::Float64),
        f("outcome_improvement_month_6", DataType::Float64),
        f("outcome_improvement_month_12", DataType::Float64),
        f("pih_probability_pct", DataType::Float64),
        // Filled when the protocol has a topical (`protocols.topicals`), null otherwise.
        Field::new("topical", DataType::Utf8, true),
        Field::new(
            format!("absorbed_ug_per_cm2_hour_{hours}"),
            DataType::Float64,
            true,
        ),
        Field::new(
            format!("intact_absorbed_ug_per_cm2_hour_{hours}"),
            DataType::Float64,
            true,
        ),
    ]))
}

/// The rows as one record batch.
pub fn batch(rows: &[Row]) -> Result<RecordBatch, Error> {
    let f64s = |get: fn(&Row) -> f64| {
        Arc::new(Float64Array::from_iter_values(rows.iter().map(get))) as ArrayRef
    };
    let u32s = |get: fn(&Row) -> u32| {
        Arc::new(UInt32Array::from_iter_values(rows.iter().map(get))) as ArrayRef
    };
    let strs = |get: fn(&Row) -> &str| {
        Arc::new(StringArray::from_iter_values(rows.iter().map(get))) as ArrayRef
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(UInt64Array::from_iter_values(
            rows.iter().map(|r| r.patient_index),
        )),
        u32s(|r| r.protocol_index),
        f64s(|r| r.age_years),
        strs(|r| r.sex),
        Arc::new(UInt8Array::from_iter_values(
            rows.iter().map(|r| r.fitzpatrick),
        )),
        strs(|r| &r.site),
        strs(|r| &r.device),
        f64s(|r| r.length_mm),
        u32s(|r| r.passes),
        u32s(|r| r.sessions),
        u32s(|r| r.interval_weeks),
        f64s(|r| r.thickness_z),
        f64s(|r| r.effective_depth_um),
        f64s(|r| r.injured_dermis_fraction),
        f64s(|r| r.new_collagen_pct[0]),
        f64s(|r| r.new_collagen_pct[1]),
        f64s(|r| r.outcome_improvement[0]),
        f64s(|r| r.outcome_improvement[1]),
        f64s(|r| r.pih_probability_pct),
        Arc::new(StringArray::from_iter(
            rows.iter().map(|r| r.topical.as_deref()),
        )),
        Arc::new(Float64Array::from_iter(
            rows.iter()
                .map(|r| r.absorbed.map(|a| a.channels_ug_per_cm2)),
        )),
        Arc::new(Float64Array::from_iter(
            rows.iter().map(|r| r.absorbed.map(|a| a.intact_ug_per_cm2)),
        )),
    ];
    RecordBatch::try_new(schema(), columns).map_err(|e| Error::Output(e.to_string()))
}

/// A Parquet writer on `file` carrying `metadata` (key, value) in its footer.
pub fn writer(file: File, metadata: Vec<(String, String)>) -> Result<ArrowWriter<File>, Error> {
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_key_value_metadata(Some(
            metadata
                .into_iter()
                .map(|(k, v)| KeyValue::new(k, v))
                .collect(),
        ))
        .build();
    ArrowWriter::try_new(file, schema(), Some(properties)).map_err(|e| Error::Output(e.to_string()))
}
