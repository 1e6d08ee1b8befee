//! The catalogue as tables: a header and one row per object, columns in a fixed order. Ids are
//! ObjectId hex, money exact decimal PLN, times RFC 3339 UTC, lists joined with `;`. The api
//! writes them out as CSV.

use bson::oid::ObjectId;

use super::{Catalogue, Links, Table, time};
use crate::money::Money;
use crate::region::RegionCode;

/// A header and its rows, every row as long as the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

pub const INNOVATIONS: &[&str] = &[
    "id",
    "uri",
    "title",
    "summary",
    "status",
    "care_area",
    "target_groups",
    "tags",
    "region_code",
    "region_name",
    "project_id",
    "innovator_organization_id",
    "grant_amount_pln",
    "created_at",
    "updated_at",
];

pub const PROJECTS: &[&str] = &[
    "id",
    "uri",
    "title",
    "programme",
    "priority_axis",
    "measure",
    "sub_measure",
    "implementer_id",
    "implementer_name",
    "partner_ids",
    "total_value_pln",
    "grant_pln",
    "start_date",
    "end_date",
    "region_code",
    "region_name",
    "updated_at",
];

pub const EVENTS: &[&str] = &[
    "id",
    "uri",
    "kind",
    "title",
    "status",
    "starts_at",
    "ends_at",
    "all_day",
    "venue_name",
    "venue_city",
    "online_url",
    "region_code",
    "region_name",
    "admission",
    "fee_pln",
    "capacity",
    "organizer_ids",
    "updated_at",
];

pub const MATERIALS: &[&str] = &[
    "id",
    "uri",
    "kind",
    "title",
    "language",
    "description",
    "innovation_ids",
    "project_ids",
    "region_code",
    "region_name",
    "file_name",
    "content_type",
    "size_bytes",
    "sha256",
    "download_url",
    "updated_at",
];

/// The table `t` of the catalogue.
pub fn table(c: &Catalogue, t: Table, links: &Links<'_>) -> Rows {
    match t {
        Table::Innovations => innovations(c, links),
        Table::Projects => projects(c, links),
        Table::Events => events(c, links),
        Table::Materials => materials(c, links),
    }
}

fn code<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn text(v: Option<&str>) -> String {
    v.unwrap_or_default().to_owned()
}

fn money(m: Option<Money>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

fn region(r: Option<RegionCode>) -> [String; 2] {
    match r {
        Some(r) => [r.as_str().to_owned(), r.region().name.to_owned()],
        None => [String::new(), String::new()],
    }
}

fn ids<'a>(ids: impl IntoIterator<Item = &'a ObjectId>) -> String {
    ids.into_iter()
        .map(|id| id.to_hex())
        .collect::<Vec<_>>()
        .join(";")
}

fn innovations(c: &Catalogue, links: &Links<'_>) -> Rows {
    let rows = c
        .innovations
        .iter()
        .map(|i| {
            let [region_code, region_name] = region(i.region);
            vec![
                i.id.to_hex(),
                links.innovation(i.id),
                i.title.clone(),
                i.summary.clone(),
                i.status.as_str().to_owned(),
                i.care_area.as_ref().map(code).unwrap_or_default(),
                i.target_groups
                    .iter()
                    .map(code)
                    .collect::<Vec<_>>()
                    .join(";"),
                i.tags.join(";"),
                region_code,
                region_name,
                i.project_id
                    .filter(|p| c.has_project(*p))
                    .map(|p| p.to_hex())
                    .unwrap_or_default(),
                i.innovator
                    .organization_id
                    .filter(|o| c.organization(*o).is_some())
                    .map(|o| o.to_hex())
                    .unwrap_or_default(),
                money(i.grant.as_ref().map(|g| g.amount)),
                time(i.created_at),
                time(i.updated_at),
            ]
        })
        .collect();
    Rows {
        header: INNOVATIONS,
        rows,
    }
}

fn projects(c: &Catalogue, links: &Links<'_>) -> Rows {
    let rows = c
        .projects
        .iter()
        .map(|p| {
            let [region_code, region_name] = region(p.region);
            let implementer = p.implementer_id.and_then(|id| c.organization(id));
            vec![
                p.id.to_hex(),
                links.project(p.id),
                p.title.clone(),
                p.programme.clone(),
                text(p.priority_axis.as_deref()),
                text(p.measure.as_deref()),
                text(p.sub_measure.as_deref()),
                implementer.map(|o| o.id.to_hex()).unwrap_or_default(),
                implementer.map(|o| o.name.clone()).unwrap_or_default(),
                ids(p
                    .partner_ids
                    .iter()
                    .filter(|id| c.organization(**id).is_some())),
                money(p.total_value),
                money(p.grant),
                p.period.map(|x| x.start.to_string()).unwrap_or_default(),
                p.period.map(|x| x.end.to_string()).unwrap_or_default(),
                region_code,
                region_name,
                time(p.updated_at),
            ]
        })
        .collect();
    Rows {
        header: PROJECTS,
        rows,
    }
}

fn events(c: &Catalogue, links: &Links<'_>) -> Rows {
    let rows = c
        .events
        .iter()
        .map(|e| {
            let [region_code, region_name] = region(e.region);
            let venue = e.venue.as_ref();
            vec![
                e.id.to_hex(),
                links.event(e.id),
                code(&e.kind),
                e.title.clone(),
                e.status.as_str().to_owned(),
                e.window.map(|w| time(w.start)).unwrap_or_default(),
                e.window.and_then(|w| w.end).map(time).unwrap_or_default(),
                e.window.map(|w| w.all_day.to_string()).unwrap_or_default(),
                text(venue.and_then(|v| v.name.as_deref())),
                text(venue.and_then(|v| v.city.as_deref())),
                text(e.online_url.as_deref()),
                region_code,
                region_name,
                code(&e.admission),
                money(e.fee),
                e.capacity.map(|n| n.to_string()).unwrap_or_default(),
                ids(e
                    .organizer_ids
                    .iter()
                    .filter(|id| c.organization(**id).is_some())),
                time(e.updated_at),
            ]
        })
        .collect();
    Rows {
        header: EVENTS,
        rows,
    }
}

fn materials(c: &Catalogue, links: &Links<'_>) -> Rows {
    let rows = c
        .materials
        .iter()
        .map(|m| {
            let [region_code, region_name] = region(m.region);
            let f = m.file.as_ref();
            vec![
                m.id.to_hex(),
                links.material(m.id),
                code(&m.kind),
                m.title.clone(),
                m.language.clone(),
                text(m.description.as_deref()),
                ids(m.innovation_ids.iter().filter(|id| c.has_innovation(**id))),
                ids(m.project_ids.iter().filter(|id| c.has_project(**id))),
                region_code,
                region_name,
                text(f.map(|f| f.filename.as_str())),
                text(f.map(|f| f.content_type.as_str())),
                f.map(|f| f.size.to_string()).unwrap_or_default(),
                text(f.map(|f| f.sha256.as_str())),
                f.map(|_| links.absolute(&(links.material_file)(m.id)))
                    .unwrap_or_default(),
                time(m.updated_at),
            ]
        })
        .collect();
    Rows {
        header: MATERIALS,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::error::FieldPath;
    use crate::project::Project;

    #[test]
    fn a_project_row_has_exact_money_and_every_column() {
        let mut p = Project::blank();
        p.title = "Inkubator".into();
        p.programme = "POWER".into();
        p.grant = Money::parse_str("1234567.89", FieldPath::none()).ok();
        p.total_value = Money::parse_str("2000000", FieldPath::none()).ok();
        p.region = RegionCode::parse("12", FieldPath::none()).ok();
        p.updated_at = Utc::now();
        let c = Catalogue {
            projects: vec![p.clone()],
            ..Catalogue::default()
        };
        let none = |_: ObjectId| String::new();
        let links = Links::new(None, &none, &none);
        let t = table(&c, Table::Projects, &links);
        assert_eq!(t.rows.len(), 1);
        let row = &t.rows[0];
        assert_eq!(row.len(), t.header.len());
        let col = |name: &str| &row[t.header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(col("grant_pln"), "1234567.89");
        assert_eq!(col("total_value_pln"), "2000000.00");
        assert_eq!(col("region_name"), "małopolskie");
        assert_eq!(
            col("uri"),
            &format!("urn:innohub:project:{}", p.id.to_hex())
        );
        assert!(col("updated_at").ends_with('Z'));
    }
}
