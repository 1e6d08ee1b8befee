//! The catalogue as one schema.org JSON-LD document: `{"@context": "https://schema.org",
//! "@graph": [...]}` with a `Dataset` node (licence, distributions), innovations and materials
//! as `CreativeWork`s, projects as `Project`s funded by a `MonetaryGrant`, events as the
//! event builder ([`crate::event::jsonld`]) makes them, organizations and regions. Nodes refer
//! to each other by `{"@id": …}`; only nodes that are in the document are referred to.

use bson::oid::ObjectId;
use serde_json::{Map, Value, json};

use super::{Catalogue, LICENSE, Links, TITLE, Table, time};
use crate::event::Event;
use crate::event::jsonld as event_jsonld;
use crate::innovation::Innovation;
use crate::material::Material;
use crate::money::Money;
use crate::organization::Organization;
use crate::project::Project;
use crate::region::RegionCode;

/// The whole document.
pub fn document(c: &Catalogue, links: &Links<'_>) -> Value {
    let mut graph = vec![dataset(c, links)];
    graph.extend(c.innovations.iter().map(|i| innovation(c, i, links)));
    graph.extend(c.projects.iter().map(|p| project(c, p, links)));
    graph.extend(c.events.iter().map(|e| event(c, e, links)));
    graph.extend(c.materials.iter().map(|m| material(c, m, links)));
    graph.extend(c.organizations.iter().map(|o| organization(o, links)));
    graph.extend(c.regions().into_iter().map(|r| region(r, links)));
    json!({ "@context": "https://schema.org", "@graph": graph })
}

/// The event as [`event_jsonld::event`] makes it, less its context, with its id here and its
/// organizers as references to their nodes.
fn event(c: &Catalogue, e: &Event, links: &Links<'_>) -> Value {
    let page = links.absolute(&(links.event_page)(e.id));
    let mut o = Map::new();
    o.insert("@id".into(), json!(links.event(e.id)));
    if let Value::Object(fields) = event_jsonld::event(e, &c.organizations, Some(&page)) {
        o.extend(
            fields
                .into_iter()
                .filter(|(k, _)| !matches!(k.as_str(), "@context" | "@id" | "organizer")),
        );
    }
    let organizers: Vec<Value> = e
        .organizer_ids
        .iter()
        .filter(|id| c.organization(**id).is_some())
        .map(|id| reference(links.organization(*id)))
        .collect();
    if !organizers.is_empty() {
        o.insert("organizer".into(), Value::Array(organizers));
    }
    Value::Object(o)
}

fn reference(id: String) -> Value {
    json!({ "@id": id })
}

fn put(o: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        o.insert(key.into(), json!(v));
    }
}

/// The data set: its licence, and where each of its forms can be downloaded.
fn dataset(c: &Catalogue, links: &Links<'_>) -> Value {
    let mut distribution = vec![json!({
        "@type": "DataDownload",
        "name": TITLE,
        "encodingFormat": "application/ld+json",
        "contentUrl": links.absolute("/open-data/catalogue.jsonld"),
    })];
    distribution.extend(Table::ALL.iter().map(|t| {
        json!({
            "@type": "DataDownload",
            "name": t.title(),
            "encodingFormat": "text/csv",
            "contentUrl": links.absolute(&format!("/open-data/{}", t.file())),
        })
    }));
    let mut o = Map::new();
    o.insert("@id".into(), json!(links.dataset()));
    o.insert("@type".into(), json!("Dataset"));
    o.insert("name".into(), json!(TITLE));
    o.insert(
        "description".into(),
        json!(
            "Opublikowane innowacje społeczne gotowe do wdrożenia, projekty z ich \
             dofinansowaniem, wydarzenia, materiały, organizacje i województwa."
        ),
    );
    o.insert("license".into(), json!(LICENSE));
    o.insert("inLanguage".into(), json!("pl"));
    if let Some(t) = c.modified() {
        o.insert("dateModified".into(), json!(time(t)));
    }
    o.insert(
        "spatialCoverage".into(),
        json!({ "@type": "Country", "name": "Polska" }),
    );
    o.insert("distribution".into(), Value::Array(distribution));
    Value::Object(o)
}

/// The code of a value as stored (`OLDER_PEOPLE`), for enums that serialise to a string.
fn code<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn innovation(c: &Catalogue, i: &Innovation, links: &Links<'_>) -> Value {
    let mut o = Map::new();
    o.insert("@id".into(), json!(links.innovation(i.id)));
    o.insert("@type".into(), json!("CreativeWork"));
    o.insert("identifier".into(), json!(i.id.to_hex()));
    o.insert("name".into(), json!(i.title));
    o.insert("abstract".into(), json!(i.summary));
    let description = [i.problem.as_deref(), i.solution.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n\n");
    if !description.is_empty() {
        o.insert("description".into(), json!(description));
    }
    if !i.tags.is_empty() {
        o.insert("keywords".into(), json!(i.tags));
    }
    let about: Vec<Value> = i
        .target_groups
        .iter()
        .map(|g| {
            let code = code(g);
            json!({ "@type": "DefinedTerm", "termCode": code, "name": code })
        })
        .collect();
    if !about.is_empty() {
        o.insert("about".into(), Value::Array(about));
    }
    if let Some(area) = &i.care_area {
        o.insert("genre".into(), json!(code(area)));
    }
    o.insert("creativeWorkStatus".into(), json!(i.status.as_str()));
    if let Some(r) = i.region {
        o.insert("spatialCoverage".into(), reference(links.region(r)));
    }
    if let Some(p) = i.project_id.filter(|p| c.has_project(*p)) {
        o.insert("isPartOf".into(), reference(links.project(p)));
    }
    // People are not named in open data; an innovating organization is.
    if let Some(org) = i
        .innovator
        .organization_id
        .filter(|id| c.organization(*id).is_some())
    {
        o.insert("creator".into(), reference(links.organization(org)));
    }
    if let Some(g) = &i.grant {
        o.insert("funding".into(), grant(g.amount, None, None));
    }
    o.insert("inLanguage".into(), json!("pl"));
    o.insert("license".into(), json!(LICENSE));
    o.insert("dateCreated".into(), json!(time(i.created_at)));
    o.insert("dateModified".into(), json!(time(i.updated_at)));
    Value::Object(o)
}

/// A sum in PLN as a `MonetaryAmount`, its value the exact decimal as text.
pub fn amount(m: Money) -> Value {
    json!({ "@type": "MonetaryAmount", "currency": "PLN", "value": m.to_string() })
}

fn grant(m: Money, name: Option<&str>, funder: Option<Value>) -> Value {
    let mut o = Map::new();
    o.insert("@type".into(), json!("MonetaryGrant"));
    put(&mut o, "name", name);
    o.insert("amount".into(), amount(m));
    if let Some(f) = funder {
        o.insert("funder".into(), f);
    }
    Value::Object(o)
}

fn project(c: &Catalogue, p: &Project, links: &Links<'_>) -> Value {
    let mut o = Map::new();
    o.insert("@id".into(), json!(links.project(p.id)));
    o.insert("@type".into(), json!("Project"));
    o.insert("identifier".into(), json!(p.id.to_hex()));
    o.insert("name".into(), json!(p.title));
    put(&mut o, "description", p.description.as_deref());
    if let Some(g) = p.grant {
        // The programme is what the grant comes from; no funder organization is recorded.
        o.insert("funding".into(), grant(g, Some(&p.programme), None));
    }
    let members: Vec<Value> = p
        .implementer_id
        .iter()
        .chain(&p.partner_ids)
        .filter(|id| c.organization(**id).is_some())
        .map(|id| reference(links.organization(*id)))
        .collect();
    if !members.is_empty() {
        o.insert("member".into(), Value::Array(members));
    }
    if let Some(period) = p.period {
        o.insert("foundingDate".into(), json!(period.start.to_string()));
        o.insert("dissolutionDate".into(), json!(period.end.to_string()));
    }
    if let Some(r) = p.region {
        o.insert("areaServed".into(), reference(links.region(r)));
    }
    o.insert("dateModified".into(), json!(time(p.updated_at)));
    Value::Object(o)
}

fn material(c: &Catalogue, m: &Material, links: &Links<'_>) -> Value {
    let mut o = Map::new();
    o.insert("@id".into(), json!(links.material(m.id)));
    o.insert(
        "@type".into(),
        if m.file.is_some() {
            json!(["CreativeWork", "DigitalDocument"])
        } else {
            json!("CreativeWork")
        },
    );
    o.insert("identifier".into(), json!(m.id.to_hex()));
    o.insert("name".into(), json!(m.title));
    put(&mut o, "description", m.description.as_deref());
    o.insert("genre".into(), json!(code(&m.kind)));
    o.insert("inLanguage".into(), json!(m.language));
    if let Some(f) = &m.file {
        o.insert(
            "contentUrl".into(),
            json!(links.absolute(&(links.material_file)(m.id))),
        );
        o.insert("encodingFormat".into(), json!(f.content_type));
        o.insert("contentSize".into(), json!(f.size.to_string()));
    }
    let about: Vec<Value> = refs(
        &m.innovation_ids,
        |id| c.has_innovation(id),
        |id| links.innovation(id),
    );
    if !about.is_empty() {
        o.insert("about".into(), Value::Array(about));
    }
    let part_of = refs(
        &m.project_ids,
        |id| c.has_project(id),
        |id| links.project(id),
    );
    if !part_of.is_empty() {
        o.insert("isPartOf".into(), Value::Array(part_of));
    }
    if let Some(r) = m.region {
        o.insert("spatialCoverage".into(), reference(links.region(r)));
    }
    o.insert("license".into(), json!(LICENSE));
    o.insert("dateModified".into(), json!(time(m.updated_at)));
    Value::Object(o)
}

fn refs(
    ids: &[ObjectId],
    present: impl Fn(ObjectId) -> bool,
    id: impl Fn(ObjectId) -> String,
) -> Vec<Value> {
    ids.iter()
        .copied()
        .filter(|i| present(*i))
        .map(|i| reference(id(i)))
        .collect()
}

fn organization(org: &Organization, links: &Links<'_>) -> Value {
    let mut o = Map::new();
    o.insert("@id".into(), json!(links.organization(org.id)));
    o.insert("@type".into(), json!("Organization"));
    o.insert("identifier".into(), json!(org.id.to_hex()));
    o.insert("name".into(), json!(org.name));
    let a = &org.address;
    if a.street.is_some() || a.postal_code.is_some() || a.city.is_some() {
        let mut address = Map::new();
        address.insert("@type".into(), json!("PostalAddress"));
        put(&mut address, "streetAddress", a.street.as_deref());
        put(&mut address, "postalCode", a.postal_code.as_deref());
        put(&mut address, "addressLocality", a.city.as_deref());
        put(
            &mut address,
            "addressRegion",
            org.region.map(|r| r.region().name),
        );
        address.insert("addressCountry".into(), json!("PL"));
        o.insert("address".into(), Value::Object(address));
    }
    if let Some(r) = org.region {
        o.insert("areaServed".into(), reference(links.region(r)));
    }
    o.insert("dateModified".into(), json!(time(org.updated_at)));
    Value::Object(o)
}

fn region(r: RegionCode, links: &Links<'_>) -> Value {
    json!({
        "@id": links.region(r),
        "@type": "AdministrativeArea",
        "name": r.region().name,
        "identifier": r.as_str(),
        "containedInPlace": { "@type": "Country", "name": "Polska" },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldPath;

    #[test]
    fn a_project_is_funded_by_an_exact_grant_and_refers_only_to_nodes_in_the_document() {
        let mut p = Project::blank();
        p.title = "Inkubator".into();
        p.programme = "POWER".into();
        p.grant = Money::parse_str("1234567.89", FieldPath::none()).ok();
        p.implementer_id = Some(ObjectId::new());
        p.region = RegionCode::parse("12", FieldPath::none()).ok();
        let c = Catalogue {
            projects: vec![p.clone()],
            ..Catalogue::default()
        };
        let path = |id: ObjectId| format!("/x/{}", id.to_hex());
        let links = Links::new(Some("https://hub.example.pl/"), &path, &path);
        let doc = document(&c, &links);
        assert_eq!(doc["@context"], "https://schema.org");
        let graph = doc["@graph"].as_array().unwrap();
        assert_eq!(graph[0]["@type"], "Dataset");
        assert_eq!(graph[0]["license"], LICENSE);
        assert_eq!(graph.len(), 3, "the data set, the project and its region");
        let node = &graph[1];
        assert_eq!(
            node["@id"],
            format!(
                "https://hub.example.pl/open-data/projects/{}#it",
                p.id.to_hex()
            )
        );
        assert_eq!(
            node["funding"]["amount"],
            json!({ "@type": "MonetaryAmount", "currency": "PLN", "value": "1234567.89" })
        );
        assert!(
            node.get("member").is_none(),
            "the implementer is not in the document"
        );
        assert_eq!(
            node["areaServed"]["@id"],
            "https://hub.example.pl/open-data/regions/12#it"
        );
        assert_eq!(graph[2]["@type"], "AdministrativeArea");
    }
}
