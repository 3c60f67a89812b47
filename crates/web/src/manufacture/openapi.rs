//! The manufacturing part of the OpenAPI document: one table row per operation (path, method,
//! summary, body fields), expanded into `paths` entries with the common error responses.

use serde_json::{Map, Value, json};

/// (path, method, tag, summary, body fields as (name, type, required)).
type Op = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, bool)],
);

const TIME: &str = "date-time";

const OPS: &[Op] = &[
    (
        "/api/v1/donors",
        "get",
        "donors",
        "Donors with their eligibility and tissue count",
        &[],
    ),
    (
        "/api/v1/donors",
        "post",
        "donors",
        "Register a donor (ドナー登録) under a pseudonymised code",
        &[
            ("donor", "string", true),
            ("source", "string", true),
            ("consent_form", "string", true),
            ("consented_at", TIME, false),
        ],
    ),
    (
        "/api/v1/donors/{id}",
        "get",
        "donors",
        "A donor with screening, tissue collections and cell banks",
        &[],
    ),
    (
        "/api/v1/donors/{id}/screening",
        "post",
        "donors",
        "Record the infectious-disease screen (every marker: negative | positive | indeterminate); decides eligibility. Also accepts {\"results\": [{\"marker\", \"outcome\"}]}",
        &[
            ("hbv", "string", true),
            ("hcv", "string", true),
            ("hiv", "string", true),
            ("htlv1", "string", true),
            ("syphilis", "string", true),
            ("parvovirus_b19", "string", true),
        ],
    ),
    (
        "/api/v1/donors/{id}/tissues",
        "post",
        "donors",
        "Record a tissue collection from an eligible donor",
        &[
            ("tissue", "string", true),
            ("amount", "number", true),
            ("amount_unit", "string", true),
            ("collected_at", TIME, false),
        ],
    ),
    (
        "/api/v1/banks",
        "post",
        "cell banks",
        "Establish a master bank from tissue (working=false) or a working bank from a master bank (working=true)",
        &[
            ("cell_bank", "string", true),
            ("from", "string", true),
            ("working", "boolean", false),
            ("passage", "integer", true),
            ("population_doublings", "number", true),
            ("vials_frozen", "integer", true),
            ("cells_per_vial", "number", true),
            ("banked_at", TIME, false),
        ],
    ),
    (
        "/api/v1/banks/{id}",
        "get",
        "cell banks",
        "A cell bank with its working banks and batches",
        &[],
    ),
    (
        "/api/v1/batches",
        "get",
        "batches",
        "Culture batches with observation count, latest count and harvest",
        &[],
    ),
    (
        "/api/v1/batches",
        "post",
        "batches",
        "Seed a culture batch from a cell bank",
        &[
            ("batch", "string", true),
            ("cell_bank", "string", true),
            ("vessel", "string", true),
            ("vessel_count", "integer", true),
            ("seeding_density", "number", true),
            ("seeded_at", TIME, false),
        ],
    ),
    (
        "/api/v1/batches/{id}",
        "get",
        "batches",
        "A batch with observations, material use, harvests and lots",
        &[],
    ),
    (
        "/api/v1/batches/{id}/observations",
        "post",
        "batches",
        "Record a count / viability / confluence observation",
        &[
            ("cell_count", "number", true),
            ("viability_pct", "number", true),
            ("confluence_pct", "number", true),
            ("observed_at", TIME, false),
            ("note", "string", false),
        ],
    ),
    (
        "/api/v1/batches/{id}/materials",
        "post",
        "batches",
        "Record that the batch used a raw-material lot",
        &[
            ("material_lot", "string", true),
            ("quantity", "number", true),
            ("unit", "string", true),
            ("used_at", TIME, false),
        ],
    ),
    (
        "/api/v1/batches/{id}/conditioning",
        "post",
        "batches",
        "Start conditioning in serum-free medium",
        &[
            ("medium_lot", "string", true),
            ("hours", "number", true),
            ("hypoxia", "boolean", false),
            ("started_at", TIME, false),
        ],
    ),
    (
        "/api/v1/batches/{id}/harvest",
        "post",
        "batches",
        "Harvest the conditioned medium",
        &[
            ("harvest", "string", true),
            ("volume_ml", "number", true),
            ("harvested_at", TIME, false),
        ],
    ),
    (
        "/api/v1/materials",
        "get",
        "raw materials",
        "Raw-material lots with their use count",
        &[],
    ),
    (
        "/api/v1/materials",
        "post",
        "raw materials",
        "Receive a raw-material lot",
        &[
            ("material_lot", "string", true),
            ("material", "string", true),
            ("category", "string", true),
            ("supplier", "string", true),
            ("supplier_lot", "string", true),
            ("received_at", TIME, false),
            ("expires_at", TIME, true),
        ],
    ),
    (
        "/api/v1/materials/{id}",
        "get",
        "raw materials",
        "A raw-material lot with every batch that used it",
        &[],
    ),
    (
        "/api/v1/harvests",
        "get",
        "lots",
        "Harvests with the volume left to pool",
        &[],
    ),
    // The core documents GET /api/v1/lots; repeated here because paths are merged per path, not per method.
    (
        "/api/v1/lots",
        "get",
        "lots",
        "Lots with their state and vial counts",
        &[],
    ),
    (
        "/api/v1/lots",
        "post",
        "lots",
        "Pool harvests into a new lot: harvests = [{harvest, volume_ml}]",
        &[
            ("lot", "string", true),
            ("product", "string", true),
            ("harvests", "array", true),
        ],
    ),
    (
        "/api/v1/lots/{id}/steps",
        "post",
        "lots",
        "Record a processing step: kind centrifugation (g_force, minutes) | filtration (pore_um) | ultrafiltration (cutoff_kda, concentration_factor) | sterilisation (method)",
        &[
            ("kind", "string", true),
            ("g_force", "number", false),
            ("minutes", "number", false),
            ("pore_um", "number", false),
            ("cutoff_kda", "number", false),
            ("concentration_factor", "number", false),
            ("method", "string", false),
            ("performed_at", TIME, false),
        ],
    ),
    (
        "/api/v1/lots/{id}/fill",
        "post",
        "lots",
        "Fill vials; the lot goes to quarantine",
        &[
            ("count", "integer", true),
            ("fill_volume_ml", "number", true),
            ("expires_at", TIME, true),
            ("freezer", "string", false),
            ("rack", "string", false),
        ],
    ),
];

fn schema(ty: &str) -> Value {
    match ty {
        TIME => json!({"type": "string", "format": "date-time"}),
        "array" => {
            json!({"type": "array", "items": {"type": "object", "properties": {"harvest": {"type": "string"}, "volume_ml": {"type": "number"}}}})
        }
        other => json!({"type": other}),
    }
}

pub fn paths() -> Value {
    let err = |d: &str| {
        let each = json!({"type": "object", "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}, "message_ja": {"type": "string"}}});
        let schema = json!({"type": "object", "properties": {"code": {"type": "string"}, "error": {"type": "string"}, "message_ja": {"type": "string"}, "field": {"type": ["string", "null"]}, "fields": {"type": "array", "items": each}, "status": {"type": "integer"}}});
        json!({"description": d, "content": {"application/json": {"schema": schema}}})
    };
    let mut paths = Map::new();
    for (path, method, tag, summary, fields) in OPS {
        let mut op = json!({"summary": summary, "tags": [tag]});
        let mut responses = json!({"401": {"description": "no session or token"}, "403": {"description": "role not allowed (operator writes)"}});
        if path.contains("{id}") {
            op["parameters"] = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]);
            responses["404"] = err("no such record");
        }
        if *method == "post" {
            let props: Map<String, Value> = fields
                .iter()
                .map(|(n, t, _)| (n.to_string(), schema(t)))
                .collect();
            let required: Vec<&str> = fields
                .iter()
                .filter(|(_, _, r)| *r)
                .map(|(n, _, _)| *n)
                .collect();
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": props, "required": required}}}});
            responses["200"] = json!({"description": "changed record"});
            responses["201"] = json!({"description": "created record (Location header)"});
            responses["409"] =
                err("illegal transition, broken rule or identifier taken (the reason in error)");
            responses["422"] = err("bad input (the field named in field)");
        } else {
            responses["200"] = json!({"description": "ok"});
        }
        op["responses"] = responses;
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    Value::Object(paths)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_api_route_is_documented() {
        let p = super::paths();
        let routes = crate::registry::table_of(super::super::routes);
        for (method, path) in routes.iter().filter(|(_, p)| p.starts_with("/api/")) {
            assert!(
                p[*path][method.to_lowercase()].is_object(),
                "{method} {path} undocumented"
            );
        }
    }
}
