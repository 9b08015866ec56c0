//! The PostgreSQL side, through sqlx's native driver: a portable `Query` is
//! bound with typed NULLs (PostgreSQL wants to know a NULL's type) and its
//! rows are read back into portable `Value`s.

use std::{borrow::Cow, sync::Arc};

use sqlx::{postgres::PgRow, Column, Postgres, Row as _, TypeInfo, ValueRef};

use super::{
    query::{Output, Query},
    Done, Kind, Row, Value,
};
use crate::Result;

pub(super) async fn pg_run<'e, E: sqlx::PgExecutor<'e>>(on: E, q: Query<'_>, want_rows: bool) -> Result<Output> {
    let mut pq = sqlx::query::<Postgres>(q.sql);
    for value in q.args {
        pq = match value {
            Value::Null(Kind::Int) => pq.bind(None::<i64>),
            Value::Null(Kind::Float) => pq.bind(None::<f64>),
            Value::Null(Kind::Bool) => pq.bind(None::<bool>),
            Value::Null(Kind::Text) => pq.bind(None::<String>),
            Value::Null(Kind::Bytes) => pq.bind(None::<Vec<u8>>),
            Value::Int(v) => pq.bind(v),
            Value::Float(v) => pq.bind(v),
            Value::Bool(v) => pq.bind(v),
            Value::Text(v) => pq.bind(v.into_owned()),
            Value::Bytes(v) => pq.bind(v.into_owned()),
        };
    }
    if !want_rows {
        return Ok(Output::Done(Done { rows_affected: pq.execute(on).await?.rows_affected() }));
    }
    let rows = pq.fetch_all(on).await?;
    let Some(first) = rows.first() else { return Ok(Output::Rows(Vec::new())) };
    let names: Arc<[String]> = first.columns().iter().map(|c| c.name().to_owned()).collect();
    rows.iter().map(|r| pg_row(r, &names)).collect::<Result<_>>().map(Output::Rows)
}

fn pg_row(r: &PgRow, names: &Arc<[String]>) -> Result<Row> {
    let mut values = Vec::with_capacity(names.len());
    for (i, col) in r.columns().iter().enumerate() {
        if r.try_get_raw(i)?.is_null() {
            values.push(Value::Null(Kind::Text));
            continue;
        }
        values.push(match col.type_info().name() {
            "INT8" => Value::Int(r.try_get(i)?),
            "INT4" => Value::Int(r.try_get::<i32, _>(i)?.into()),
            "INT2" => Value::Int(r.try_get::<i16, _>(i)?.into()),
            "BOOL" => Value::Bool(r.try_get(i)?),
            "FLOAT8" => Value::Float(r.try_get(i)?),
            "FLOAT4" => Value::Float(r.try_get::<f32, _>(i)?.into()),
            "BYTEA" => Value::Bytes(Cow::Owned(r.try_get(i)?)),
            _ => Value::Text(Cow::Owned(r.try_get(i)?)),
        });
    }
    Ok(Row { names: names.clone(), values })
}

