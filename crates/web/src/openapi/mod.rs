//! The OpenAPI 3.1 document of `/api/v1`, assembled from the route registration: each API route is
//! registered with its `Op` (operationId, tag, summary, and the Rust types of its query, request
//! body and answer), and the schemas are generated from those types by `schemars` — the same types
//! the handlers read and the service returns. Path parameters come from the path pattern; the error
//! answers (`ApiError`) from the route's roles and method. Tags are the modules' (`Module::tags`).

// Described, never built: their handlers read the fields themselves.
#[allow(dead_code)]
mod bodies;

pub use bodies::*;

use crate::kit::{Action, At};
use crate::{error::ApiError, registry::Routes};
use schemars::{
    JsonSchema, Schema, SchemaGenerator,
    generate::{Contract, SchemaSettings},
};
use secretome_domain::{Role, UtcTime};
use serde_json::{Map, Value, json};

type SchemaFn = fn(&mut SchemaGenerator) -> Schema;
/// The properties a body's action refuses when absent.
type RequiredFn = fn() -> Vec<String>;

/// One documented operation of the API.
#[derive(Clone, Copy)]
pub struct Op {
    id: &'static str,
    tag: &'static str,
    summary: &'static str,
    description: Option<&'static str>,
    query: Option<SchemaFn>,
    paged: bool,
    body: Option<(&'static str, SchemaFn, RequiredFn)>,
    status: u16,
    answer: Option<(&'static str, SchemaFn)>,
}

/// An operation: its operationId, its tag (defined by its module) and a one-line summary.
pub fn op(id: &'static str, tag: &'static str, summary: &'static str) -> Op {
    Op {
        id,
        tag,
        summary,
        description: None,
        query: None,
        paged: false,
        body: None,
        status: 200,
        answer: None,
    }
}

fn schema_of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// The fields an action's input check refuses when they are absent — its `command` asked about the
/// empty input — so the body schema's `required` is the check itself and cannot drift from it. (The
/// inputs are `#[serde(default)]`, so that every missing field is reported at once, which hides from
/// `schemars` which of them the action needs.) Identifiers the service resolves (a donor code, a
/// batch) are refused by the service when empty or unknown and are not listed here.
fn refused_when_absent<T: Action + Default>() -> Vec<String> {
    let at = At {
        zone: "UTC".into(),
        now: UtcTime::from_timestamp(jiff::Timestamp::UNIX_EPOCH),
    };
    match T::default().command(&at) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.into_keys().collect(),
    }
}

/// Marks `required` the properties of a body schema the action refuses when absent (and drops their
/// `default`, which only serde's container default put there).
fn require(schema: &mut Value, fields: &[String]) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    let mut required = Vec::new();
    for f in fields {
        if let Some(p) = props.get_mut(f.as_str()) {
            if let Some(p) = p.as_object_mut() {
                p.remove("default");
            }
            required.push(json!(f));
        }
    }
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
}

impl Op {
    /// Answers 200 with a `T` as JSON.
    pub fn ok<T: JsonSchema>(self) -> Op {
        self.answers::<T>(200, "application/json")
    }
    /// Answers 201 with the `T` it made.
    pub fn created<T: JsonSchema>(self) -> Op {
        self.answers::<T>(201, "application/json")
    }
    pub fn answers<T: JsonSchema>(mut self, status: u16, media: &'static str) -> Op {
        self.status = status;
        self.answer = Some((media, schema_of::<T>));
        self
    }
    /// Reads a JSON body (or the same fields as a form) of type `T`, the action's input.
    pub fn body<T: JsonSchema + Action + Default>(mut self) -> Op {
        self.body = Some(("application/json", schema_of::<T>, refused_when_absent::<T>));
        self
    }
    /// Reads a plain-text body (a CSV file).
    pub fn text_body(mut self) -> Op {
        self.body = Some(("text/csv", schema_of::<String>, Vec::new));
        self
    }
    /// Reads the query parameters of `T` (each of its properties).
    pub fn query<T: JsonSchema>(mut self) -> Op {
        self.query = Some(schema_of::<T>);
        self
    }
    /// A paged list: reads `?cursor=&limit=` (`PageParams`) besides its own query.
    pub fn paged(mut self) -> Op {
        self.paged = true;
        self
    }
    pub fn describe(mut self, text: &'static str) -> Op {
        self.description = Some(text);
        self
    }
}

/// The generator of the answers' schemas (what the service's types serialize to), named in
/// `components/schemas`.
fn generator(contract: Contract) -> SchemaGenerator {
    let mut s = SchemaSettings::draft2020_12();
    s.definitions_path = "/components/schemas".into();
    s.meta_schema = None;
    s.inline_subschemas = contract == Contract::Deserialize;
    s.contract = contract;
    s.into_generator()
}

/// The document: every documented route of `routes`, its schemas and the modules' tags.
pub fn document(routes: &Routes, tags: &[(&'static str, &'static str)]) -> Value {
    let mut answers = generator(Contract::Serialize);
    // Request bodies are read by serde (the deserialising contract): inlined, so a type read and
    // answered keeps one name in `components` for its answer.
    let mut bodies = generator(Contract::Deserialize);
    let error = answers.subschema_for::<ApiError>().to_value();
    let mut paths = Map::new();
    for (verb, path, roles, op) in &routes.docs {
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[verb.to_lowercase()] =
            operation(op, verb, path, roles, &mut answers, &mut bodies, &error);
    }
    let mut schemas = answers.take_definitions(true);
    for (name, s) in bodies.take_definitions(true) {
        schemas.entry(name).or_insert(s);
    }
    let tags: Vec<Value> = tags
        .iter()
        .map(|(name, description)| json!({"name": name, "description": description}))
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "secretome API",
            "version": "1",
            "license": {"name": "Proprietary", "identifier": "LicenseRef-secretome"},
            "description": "Production, QC and traceability of stem-cell culture supernatant. Authenticate with a session cookie or `Authorization: Bearer stk_…` (an API token made by an administrator). Every refusal answers an `ApiError`: 401 unauthenticated, 403 wrong role, 404 not found, 409 refused by a rule or an illegal transition (`code` names the rule), 422 bad input (`field` names it), 500 an internal failure (its logged id only). Times are RFC 3339 (UTC)."
        },
        "servers": [{"url": "/", "description": "this installation (the API lives under /api/v1)"}],
        "tags": tags,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "an API token (`stk_…`)"},
                "session": {"type": "apiKey", "in": "cookie", "name": "secretome_session", "description": "the browser's session"}
            }
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths
    })
}

fn operation(
    op: &Op,
    verb: &str,
    path: &str,
    roles: &[Role],
    answers: &mut SchemaGenerator,
    bodies: &mut SchemaGenerator,
    error: &Value,
) -> Value {
    let mut params: Vec<Value> = path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    if let Some(query) = op.query {
        params.extend(query_params(&query(bodies)));
    }
    if op.paged {
        params.extend(query_params(
            &bodies.subschema_for::<crate::paging::PageParams>(),
        ));
    }
    let refusal = |what: &str| json!({"description": what, "content": {"application/json": {"schema": error}}});
    let mut responses = Map::new();
    let success = match op.answer {
        Some((media, schema)) => {
            json!({"description": op.summary, "content": {media: {"schema": schema(answers).to_value()}}})
        }
        None => json!({"description": op.summary}),
    };
    responses.insert(op.status.to_string(), success);
    responses.insert("401".into(), refusal("no session or token"));
    if roles.len() < Role::ALL.len() {
        let who: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        responses.insert(
            "403".into(),
            refusal(&format!("a role other than {}", who.join(", "))),
        );
    }
    if path.contains('{') {
        responses.insert("404".into(), refusal("no such record"));
    }
    if verb == "POST" {
        responses.insert(
            "409".into(),
            refusal("refused by a rule or an illegal transition (`code` names it)"),
        );
    }
    if verb == "POST" || op.query.is_some() || op.paged {
        responses.insert("422".into(), refusal("bad input (`field` names it)"));
    }
    responses.insert("500".into(), refusal("an internal failure (its logged id)"));
    let mut o = json!({
        "operationId": op.id,
        "tags": [op.tag],
        "summary": op.summary,
        "responses": responses,
    });
    if let Some(d) = op.description {
        o["description"] = json!(d);
    }
    if !params.is_empty() {
        o["parameters"] = Value::Array(params);
    }
    if let Some((media, schema, absent)) = op.body {
        let mut schema = schema(bodies).to_value();
        require(&mut schema, &absent());
        o["requestBody"] = json!({"required": true, "content": {media: {"schema": schema}}});
    }
    o
}

/// Each property of a query type's schema as an `in: query` parameter.
fn query_params(schema: &Schema) -> Vec<Value> {
    let v = schema.as_value();
    let required: Vec<&str> = v["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = v["properties"].as_object() else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, s)| {
            let mut p = json!({"name": name, "in": "query", "required": required.contains(&name.as_str()), "schema": s});
            if let Some(d) = s.get("description") {
                p["description"] = d.clone();
            }
            p
        })
        .collect()
}
